using LatentAudio.Dsp;
using LatentAudio.Tensors;

namespace LatentAudio.Codec;

/// <summary>
/// The codec's view of AudioLDM2's front-end (<see cref="AudioLdmFrontEnd"/>: normalize_wav, then the centred
/// log-mel). The block members reproduce the whole-signal values bit for bit: the level meter runs numpy's float32
/// pairwise mean over the streamed samples, and a range of mel frames is computed from a segment that starts on an
/// even frame (the STFT codes two frames per complex FFT, so pairs must line up) and reaches half an FFT past the
/// last frame needed, or to the signal's own edges where the reflect padding happens.
/// </summary>
public sealed class AudioLdmCodecFrontEnd : IMelFrontEnd
{
    private readonly AudioLdmFrontEnd _frontEnd;

    public AudioLdmCodecFrontEnd(MelConfig config) => _frontEnd = new AudioLdmFrontEnd(config);

    public MelConfig Config => _frontEnd.Config;
    public int SampleRate => Config.SampleRate;
    public int HopLength => Config.Hop;
    public int MelBins => Config.NMels;
    public float SilenceLogMel => (float)Math.Log(Config.LogFloor);

    public NormalizedSignal Normalize(ReadOnlySpan<float> samples)
    {
        var n = _frontEnd.Normalize(samples);
        return new NormalizedSignal(n.Samples, n.Mean, n.Scale);
    }

    public float[] Restore(ReadOnlySpan<float> normalized, double mean, double scale) =>
        new NormalizedAudio([], mean, scale).Restore(normalized);

    public Tensor LogMel(ReadOnlySpan<float> normalized) => _frontEnd.LogMel(normalized);

    public ILevelMeter MeasureLevel(long totalSamples) => new Meter(totalSamples);

    /// <summary>NormalizedAudio.From's arithmetic (<see cref="LevelNormalizer.Apply"/>).</summary>
    public void NormalizeBlock(ReadOnlySpan<float> samples, double mean, double scale, Span<float> destination) =>
        Normalizer(mean, scale).Apply(samples, destination);

    /// <summary>
    /// The normaliser behind a stored (Mean, Scale): Mean is a binary32 value, and Scale = 0.5 / denominator was
    /// computed in binary64 from the binary32 denominator, so dividing back and rounding recovers it exactly.
    /// </summary>
    private static LevelNormalizer Normalizer(double mean, double scale) =>
        new((float)mean, (float)(NormalizedAudio.TargetPeak / scale));

    public long MelFrameCount(long totalSamples) => totalSamples / Config.Hop + 1;

    public (long Start, long End) MelSupport(long firstFrame, int count, long totalSamples)
    {
        int hop = Config.Hop, half = Config.NFft / 2;
        long first = firstFrame - (half + hop - 1) / hop;
        first -= ((first % 2) + 2) % 2;             // the segment's first frame keeps the STFT's pairing (even)
        long start = Math.Max(0, first * hop);
        // up to the frame after the last one asked for: it shares an FFT with it and must see the same samples
        long end = Math.Min(totalSamples, (firstFrame + count) * hop + half);
        return (start, end);
    }

    public Tensor LogMelFrames(ReadOnlySpan<float> support, long supportStart, long totalSamples, long firstFrame, int count)
    {
        int hop = Config.Hop, mels = Config.NMels;
        if (supportStart % (2L * hop) != 0) throw new ArgumentException("the support must start on an even frame");
        var mel = _frontEnd.LogMel(support);
        long skip = firstFrame - supportStart / hop;
        if (skip < 0 || skip + count > mel.Shape[0]) throw new ArgumentException("the support does not cover the frames asked for");
        var data = new float[count * mels];
        Array.Copy(mel.Data, skip * mels, data, 0, (long)count * mels);
        return new Tensor(data, count, mels);
    }

    /// <summary>numpy's pairwise float32 mean and the extremes, streamed (<see cref="LevelStatistics"/>).</summary>
    private sealed class Meter(long total) : ILevelMeter
    {
        private readonly LevelStatistics _stats = new(total);

        public void Add(ReadOnlySpan<float> samples) => _stats.Add(samples);

        public (double Mean, double Scale) Finish()
        {
            var level = _stats.Result();
            return (level.Mean, level.Scale);
        }
    }
}
