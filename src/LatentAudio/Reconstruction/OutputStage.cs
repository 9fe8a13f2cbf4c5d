using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Engine;
using LatentAudio.Models.AudioLdm;

namespace LatentAudio.Reconstruction;

/// <summary>Where one output's samples go (a WAV file, memory): planar blocks in order, then Complete.</summary>
public interface IAudioSink : IDisposable
{
    /// <summary>Appends <paramref name="count"/> frames from <c>planar[c][offset..]</c>.</summary>
    void Write(IReadOnlyList<float[]> planar, int offset, int count);
    /// <summary>Every frame was written; a file is renamed into place here, never before.</summary>
    void Complete();
}

/// <summary>Makes the sink of each output of a reconstruction (named as <see cref="OutputNames"/>).</summary>
public interface IReconstructionSink
{
    IAudioSink Open(string output, int channels, int sampleRate, long frames);
}

/// <summary>Keeps every output in memory: the library's way to reconstruct a signal without touching the disk.</summary>
public sealed class MemorySink : IReconstructionSink
{
    private readonly Dictionary<string, Collector> _outputs = new();

    /// <summary>The completed outputs by name.</summary>
    public IReadOnlyDictionary<string, AudioBuffer> Outputs =>
        _outputs.Where(kv => kv.Value.Result is not null).ToDictionary(kv => kv.Key, kv => kv.Value.Result!);

    public IAudioSink Open(string output, int channels, int sampleRate, long frames) =>
        _outputs[output] = new Collector(channels, sampleRate, frames);

    private sealed class Collector(int channels, int rate, long frames) : IAudioSink
    {
        private readonly float[][] _data = Enumerable.Range(0, channels).Select(_ => new float[checked((int)frames)]).ToArray();
        private int _filled;
        public AudioBuffer? Result { get; private set; }

        public void Write(IReadOnlyList<float[]> planar, int offset, int count)
        {
            for (int c = 0; c < channels; c++) planar[c].AsSpan(offset, count).CopyTo(_data[c].AsSpan(_filled));
            _filled += count;
        }

        public void Complete()
        {
            if (_filled != frames) throw new InvalidOperationException($"got {_filled} of {frames} frames");
            Result = new AudioBuffer(_data, rate);
        }

        public void Dispose() { }
    }
}

/// <summary>
/// One output on its way to its sink, fed block by block at the model rate: the front-end's level restored per
/// channel when asked (<c>y / Scale + Mean</c>), resampled back to the input rate when asked, and cut to the exact
/// length.
/// </summary>
public sealed class OutputStage : IDisposable
{
    private readonly IAudioSink _sink;
    private readonly IReadOnlyList<StreamLevel>? _restore;
    private readonly StreamingResampler[]? _resamplers;
    private readonly long _length;
    private long _written;
    private float[][] _scratch = [];
    private float[][] _resampled = [];

    /// <param name="restore">Per-channel levels to undo, or null to pass samples as given.</param>
    /// <param name="length">Exact frames at <paramref name="outputRate"/>.</param>
    public OutputStage(IAudioSink sink, int channels, int modelRate, int outputRate, long length, IReadOnlyList<StreamLevel>? restore)
    {
        _sink = sink;
        _restore = restore;
        _length = length;
        if (outputRate != modelRate)
        {
            var design = new Resampler(modelRate, outputRate);
            _resamplers = Enumerable.Range(0, channels).Select(_ => new StreamingResampler(design)).ToArray();
        }
    }

    /// <summary>Appends <paramref name="count"/> model-rate frames from <c>planar[c][offset..]</c>.</summary>
    public void Write(IReadOnlyList<float[]> planar, int offset, int count)
    {
        if (count == 0) return;
        IReadOnlyList<float[]> source = planar;
        if (_restore is not null)
        {
            Ensure(ref _scratch, planar.Count, count);
            for (int c = 0; c < planar.Count; c++) NormalizedAudio.Restore(planar[c].AsSpan(offset, count), _restore[c].Mean, _restore[c].Scale, _scratch[c]);
            source = _scratch;
            offset = 0;
        }
        if (_resamplers is null) { Append(source, offset, count); return; }
        for (int c = 0; c < _resamplers.Length; c++) _resamplers[c].Push(source[c].AsSpan(offset, count));
        Drain();
    }

    /// <summary>Flushes, checks the length and completes the sink.</summary>
    public void Complete()
    {
        if (_resamplers is not null)
        {
            foreach (var r in _resamplers) r.Complete();
            Drain();
        }
        if (_written != _length) throw new InvalidOperationException($"wrote {_written} frames, expected {_length}");
        _sink.Complete();
    }

    private void Drain()
    {
        Ensure(ref _resampled, _resamplers!.Length, 4096);
        while (true)
        {
            int got = _resamplers[0].Pull(_resampled[0]);
            for (int c = 1; c < _resamplers.Length; c++) _resamplers[c].Pull(_resampled[c].AsSpan(0, got));
            if (got == 0) return;
            Append(_resampled, 0, got);
        }
    }

    /// <summary>Writes frames up to the exact length (the back-resampled tail can be a sample longer).</summary>
    private void Append(IReadOnlyList<float[]> planar, int offset, int count)
    {
        int n = (int)Math.Min(count, _length - _written);
        if (n <= 0) return;
        _sink.Write(planar, offset, n);
        _written += n;
    }

    private static void Ensure(ref float[][] buffers, int channels, int count)
    {
        if (buffers.Length == channels && buffers[0].Length >= count) return;
        buffers = Enumerable.Range(0, channels).Select(_ => new float[count]).ToArray();
    }

    public void Dispose() => _sink.Dispose();
}
