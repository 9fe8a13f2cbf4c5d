using LatentAudio.Audio;
using LatentAudio.Dsp;

namespace LatentAudio.Reconstruction;

/// <summary>
/// One WAV the reconstruction writes, fed block by block at the model rate: gain restored per channel when asked,
/// resampled back to the input rate when asked (trimmed to the input's exact length), written under a temporary
/// name and renamed into place only by <see cref="Complete"/>.
/// </summary>
public sealed class OutputFile : IDisposable
{
    private readonly WavStreamWriter _writer;
    private readonly IReadOnlyList<LevelNormalizer>? _restore;
    private readonly StreamingResampler[]? _resamplers;
    private readonly long _length;
    private float[][] _scratch = [];
    private float[][] _resampled = [];

    /// <param name="restore">Per-channel normalisers to undo, or null to write samples as given.</param>
    /// <param name="length">Exact frames of the file at <paramref name="outputRate"/>.</param>
    public OutputFile(string path, int channels, int modelRate, int outputRate, long length, WavSampleFormat format,
        IReadOnlyList<LevelNormalizer>? restore)
    {
        _restore = restore;
        _length = length;
        if (outputRate != modelRate)
        {
            var design = new Resampler(modelRate, outputRate);
            _resamplers = Enumerable.Range(0, channels).Select(_ => new StreamingResampler(design)).ToArray();
        }
        _writer = new WavStreamWriter(path, channels, outputRate, format, overwrite: true);
    }

    /// <summary>Appends <paramref name="count"/> model-rate frames from <c>planar[c][offset..]</c>.</summary>
    public void Write(IReadOnlyList<float[]> planar, int offset, int count)
    {
        if (count == 0) return;
        IReadOnlyList<float[]> source = planar;
        if (_restore is not null)
        {
            Ensure(ref _scratch, planar.Count, count);
            for (int c = 0; c < planar.Count; c++) _restore[c].Restore(planar[c].AsSpan(offset, count), _scratch[c]);
            source = _scratch;
            offset = 0;
        }
        if (_resamplers is null) { Append(source, offset, count); return; }
        for (int c = 0; c < _resamplers.Length; c++) _resamplers[c].Push(source[c].AsSpan(offset, count));
        Drain();
    }

    /// <summary>Flushes, checks the length and renames the file into place.</summary>
    public void Complete()
    {
        if (_resamplers is not null)
        {
            foreach (var r in _resamplers) r.Complete();
            Drain();
        }
        if (_writer.FramesWritten != _length)
            throw new InvalidOperationException($"wrote {_writer.FramesWritten} frames, expected {_length}");
        _writer.Complete();
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

    /// <summary>Writes frames up to the file's exact length (the back-resampled tail can be a sample longer).</summary>
    private void Append(IReadOnlyList<float[]> planar, int offset, int count)
    {
        int n = (int)Math.Min(count, _length - _writer.FramesWritten);
        if (n > 0) _writer.Write(planar, offset, n);
    }

    private static void Ensure(ref float[][] buffers, int channels, int count)
    {
        if (buffers.Length == channels && buffers[0].Length >= count) return;
        buffers = Enumerable.Range(0, channels).Select(_ => new float[count]).ToArray();
    }

    public void Dispose() => _writer.Dispose();
}
