using LatentAudio.Codec.Container;
using LatentAudio.Dsp;
using LatentAudio.Tensors;

namespace LatentAudio.Codec.Streaming;

/// <summary>
/// The decoder's back end, block by block: per coded stream, mel → <see cref="ChunkedVocoder"/> → cut or padded to
/// the coded length → the front-end's level restored → resampled to the original rate → cut or padded to the exact
/// original sample count; the channels are handed to <paramref name="write"/> together (planar, frame count) as soon
/// as every stream has them. Memory: a vocoder chunk and a resampler block per stream.
/// </summary>
public sealed class DecodedAudioAssembler
{
    private readonly LatentFileHeader _h;
    private readonly Action<float[][], int> _write;
    private readonly StreamPath[] _paths;

    public DecodedAudioAssembler(LatentFileHeader header, IMelFrontEnd frontEnd, Func<Tensor, float[]> vocode, Action<float[][], int> write)
    {
        _h = header;
        _write = write;
        long codedLength = header.CodedSampleLength;
        _paths = header.Streams.Select(level => new StreamPath(header, frontEnd, vocode, level, codedLength)).ToArray();
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
        if (FramesWritten != _h.SampleLength) throw new InvalidOperationException($"assembled {FramesWritten} of {_h.SampleLength} samples");
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

        public StreamPath(LatentFileHeader h, IMelFrontEnd frontEnd, Func<Tensor, float[]> vocode, StreamLevel level, long codedLength)
        {
            _frontEnd = frontEnd; _level = level; _codedLength = codedLength; _sampleLength = h.SampleLength;
            _resampler = new ResamplingStage(h.CodedSampleRate, h.SampleRate, Resampled);
            Vocoder = new ChunkedVocoder(vocode, h.MelBins, h.HopLength, h.MelFrames, Vocoded);
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
