using LatentAudio.Models;
using LatentAudio.Tensors;

namespace LatentAudio.Engine;

/// <summary>
/// The decoder's back end, block by block: per coded stream, mel → <see cref="ChunkedVocoder"/> → cut or padded to
/// the coded length → the front-end's level restored → resampled to the original rate → cut or padded to the exact
/// original sample count; the channels are handed to <paramref name="write"/> together (planar, frame count) as soon
/// as every stream has them. Memory: a vocoder chunk and a resampler block per stream.
/// </summary>
/// <summary>Where decoded audio goes back to: the original rate and length, and each stream's level.</summary>
/// <param name="CodedRate">The model's rate, at which the mel was coded.</param>
public sealed record AudioTarget(int SampleRate, long SampleLength, int CodedRate, IReadOnlyList<StreamLevel> Levels)
{
    /// <summary>Samples at the coded rate: ceil(SampleLength·CodedRate/SampleRate), the resampler's output length.</summary>
    public long CodedLength => CodedLengthOf(SampleLength, SampleRate, CodedRate);

    /// <summary>ceil(samples·codedRate/rate): <paramref name="samples"/> at <paramref name="rate"/> after resampling to <paramref name="codedRate"/>.</summary>
    public static long CodedLengthOf(long samples, int rate, int codedRate) =>
        rate == codedRate ? samples : (samples * codedRate + rate - 1) / rate;
}

public sealed class DecodedAudioAssembler
{
    private readonly AudioTarget _target;
    private readonly Action<float[][], int> _write;
    private readonly StreamPath[] _paths;

    public DecodedAudioAssembler(LatentLayout layout, AudioTarget target, IMelFrontEnd frontEnd, Func<Tensor, float[]> vocode, Action<float[][], int> write,
        CrossfadeShape shape = CrossfadeShape.Linear)
    {
        _target = target;
        _write = write;
        _paths = target.Levels.Select(level => new StreamPath(layout, target, frontEnd, vocode, level, shape)).ToArray();
    }

    public long FramesWritten { get; private set; }

    public void Push(MelBlock block)
    {
        for (int s = 0; s < _paths.Length; s++) _paths[s].Vocoder.Push(block.Streams[s]);
        Flush();
    }

    public void Finish()
    {
        foreach (var p in _paths) p.Finish();
        Flush();
        if (FramesWritten != _target.SampleLength) throw new InvalidOperationException($"assembled {FramesWritten} of {_target.SampleLength} samples");
    }

    private void Flush()
    {
        int ready = _paths.Min(p => p.Output.Count);
        if (ready == 0) return;
        var planar = new float[_paths.Length][];
        for (int s = 0; s < _paths.Length; s++)
        {
            var o = _paths[s].Output;
            planar[s] = o.Slice(o.Start, o.Start + ready).ToArray();
            o.DropBefore(o.Start + ready);
        }
        _write(planar, ready);
        FramesWritten += ready;
    }

    private sealed class StreamPath
    {
        private readonly IMelFrontEnd _frontEnd;
        private readonly StreamLevel _level;
        private readonly long _codedLength, _sampleLength;
        private readonly ResamplingStage _resampler;
        private long _coded, _final;

        public StreamPath(LatentLayout layout, AudioTarget target, IMelFrontEnd frontEnd, Func<Tensor, float[]> vocode, StreamLevel level, CrossfadeShape shape)
        {
            _frontEnd = frontEnd; _level = level; _codedLength = target.CodedLength; _sampleLength = target.SampleLength;
            _resampler = new ResamplingStage(target.CodedRate, target.SampleRate, Resampled);
            Vocoder = new ChunkedVocoder(vocode, layout.MelBins, frontEnd.HopLength, layout.MelFrames, Vocoded, shape);
        }

        public ChunkedVocoder Vocoder { get; }
        public RollingSamples Output { get; } = new();

        public void Finish()
        {
            Vocoder.Finish();
            var zeros = new float[1 << 14];
            while (_coded < _codedLength) Vocoded(zeros); // the vocoder gave fewer: silence, restored
            _resampler.Finish();
            while (_final < _sampleLength) Resampled(zeros); // resampling gave fewer: zeros
        }

        private void Vocoded(ReadOnlySpan<float> samples)
        {
            int take = (int)Math.Min(samples.Length, _codedLength - _coded);
            if (take <= 0) return;
            _coded += take;
            _resampler.Push(_frontEnd.Restore(samples[..take], _level.Mean, _level.Scale));
        }

        private void Resampled(ReadOnlySpan<float> samples)
        {
            int take = (int)Math.Min(samples.Length, _sampleLength - _final);
            if (take <= 0) return;
            _final += take;
            Output.Append(samples[..take]);
        }
    }
}
