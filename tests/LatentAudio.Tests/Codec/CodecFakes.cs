using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Models;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Codec;

/// <summary>
/// A tiny stand-in VAE with the AudioLDM2 shapes: encode = 4×4 average pooling mapped to 8 channels by fixed
/// affine maps (local, so windowed encoding equals whole-clip encoding away from nothing); decode = channel 0
/// upsampled by repetition. Counts its calls.
/// </summary>
internal sealed class FakeAutoencoder : ILatentAutoencoder
{
    public int LatentChannels => 8;
    public int Downsample => 4;
    public int EncodeCalls { get; private set; }
    public int DecodeCalls { get; private set; }

    public (Tensor Mean, Tensor LogVar) Encode(Tensor mel)
    {
        EncodeCalls++;
        int t = mel.Shape[2], m = mel.Shape[3], tl = t / 4, rows = m / 4;
        var pooled = new float[tl * rows];
        for (int i = 0; i < tl; i++)
            for (int r = 0; r < rows; r++)
            {
                float s = 0;
                for (int a = 0; a < 4; a++) for (int b = 0; b < 4; b++) s += mel.Data[(4 * i + a) * m + 4 * r + b];
                pooled[i * rows + r] = s / 16;
            }
        var mean = new float[8 * tl * rows];
        for (int c = 0; c < 8; c++)
            for (int k = 0; k < pooled.Length; k++)
                mean[c * pooled.Length + k] = c == 0 ? pooled[k] : pooled[k] * (0.2f + 0.1f * c) + 0.3f * c;
        return (new Tensor(mean, 1, 8, tl, rows), Tensor.Zeros(1, 8, tl, rows));
    }

    public Tensor Decode(Tensor latent)
    {
        DecodeCalls++;
        int tl = latent.Shape[2], rows = latent.Shape[3];
        var mel = new float[tl * 4 * rows * 4];
        for (int t = 0; t < tl * 4; t++)
            for (int m = 0; m < rows * 4; m++) mel[t * rows * 4 + m] = latent.Data[(t / 4) * rows + m / 4];
        return new Tensor(mel, 1, 1, tl * 4, rows * 4);
    }

    public void Dispose() { }
}

/// <summary>A cheap deterministic front-end: DC removal + peak 0.5, log of per-frame RMS plus a per-bin tilt.</summary>
internal sealed class FakeFrontEnd : IMelFrontEnd
{
    public int SampleRate => 16000;
    public int HopLength => 160;
    public int MelBins => 64;
    public float SilenceLogMel => -11.512925f;

    public NormalizedSignal Normalize(ReadOnlySpan<float> samples)
    {
        double mean = 0;
        foreach (var v in samples) mean += v;
        mean /= Math.Max(1, samples.Length);
        double peak = 0;
        foreach (var v in samples) peak = Math.Max(peak, Math.Abs(v - mean));
        double scale = 0.5 / peak;
        var outp = new float[samples.Length];
        for (int i = 0; i < outp.Length; i++) outp[i] = (float)((samples[i] - mean) * scale);
        return new NormalizedSignal(outp, mean, scale);
    }

    public float[] Restore(ReadOnlySpan<float> normalized, double mean, double scale)
    {
        var outp = new float[normalized.Length];
        for (int i = 0; i < outp.Length; i++) outp[i] = (float)(normalized[i] / scale + mean);
        return outp;
    }

    public Tensor LogMel(ReadOnlySpan<float> x) => LogMelFrames(x, 0, x.Length, 0, x.Length / HopLength + 1);

    public ILevelMeter MeasureLevel(long totalSamples) => new Meter(totalSamples);

    public void NormalizeBlock(ReadOnlySpan<float> samples, double mean, double scale, Span<float> destination)
    {
        for (int i = 0; i < samples.Length; i++) destination[i] = (float)((samples[i] - mean) * scale);
    }

    public long MelFrameCount(long totalSamples) => totalSamples / HopLength + 1;

    public (long Start, long End) MelSupport(long firstFrame, int count, long totalSamples) =>
        (Math.Min(totalSamples, firstFrame * HopLength), Math.Min(totalSamples, (firstFrame + count) * HopLength));

    /// <summary>Frame t: log RMS of samples [t·hop, (t+1)·hop) plus a tilt that depends on the absolute frame index.</summary>
    public Tensor LogMelFrames(ReadOnlySpan<float> x, long supportStart, long totalSamples, long firstFrame, int count)
    {
        var mel = new float[count * MelBins];
        for (int k = 0; k < count; k++)
        {
            long t = firstFrame + k;
            double e = 0;
            long from = t * HopLength, to = Math.Min(totalSamples, from + HopLength);
            for (long i = from; i < to; i++) e += x[(int)(i - supportStart)] * x[(int)(i - supportStart)];
            double rms = to > from ? Math.Sqrt(e / (to - from)) : 0;
            for (int m = 0; m < MelBins; m++) mel[k * MelBins + m] = (float)(Math.Log(1e-5 + rms) - 0.02 * m + 0.3 * Math.Sin(0.05 * t * (1 + m % 5)));
        }
        return new Tensor(mel, count, MelBins);
    }

    /// <summary>Normalize's statistics streamed: the same running sum, and the peak from the extremes (subtraction is monotonic).</summary>
    private sealed class Meter(long total) : ILevelMeter
    {
        private double _sum;
        private float _min = float.PositiveInfinity, _max = float.NegativeInfinity;

        public void Add(ReadOnlySpan<float> samples)
        {
            foreach (var v in samples) { _sum += v; _min = Math.Min(_min, v); _max = Math.Max(_max, v); }
        }

        public (double Mean, double Scale) Finish()
        {
            double mean = _sum / Math.Max(1, total);
            double peak = total == 0 ? 0 : Math.Max(Math.Abs(_max - mean), Math.Abs(_min - mean));
            return (mean, 0.5 / peak);
        }
    }
}

internal static class CodecTestData
{
    public static readonly ModelIdentity ModelA = new("test/fake-vae", "0123abcd", Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
    public static readonly ModelIdentity ModelB = new("other/vae", "", Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray());

    /// <summary>Golden chain latent [8, 256, 16] (AudioLDM2 reference tiny VAE) as a block.</summary>
    public static LatentBlock GoldenLatent(string stem)
    {
        var t = NpyFile.Read(TestPaths.Fixtures("codec", stem + "_latent_mean.npy")).SqueezeLeading(3);
        return new LatentBlock(t.Data, t.Shape[0], t.Shape[1], t.Shape[2]);
    }

    public static global::LatentAudio.Audio.AudioBuffer Tone(double seconds, int rate = 16000, int channels = 1, int seed = 1)
    {
        var rng = new Random(seed);
        int n = (int)(seconds * rate);
        var ch = new float[channels][];
        for (int c = 0; c < channels; c++)
        {
            ch[c] = new float[n];
            for (int i = 0; i < n; i++)
                ch[c][i] = (float)(0.3 * Math.Sin(2 * Math.PI * (220 + 40 * c) * i / rate) * (0.5 + 0.5 * Math.Sin(2 * Math.PI * 0.7 * i / rate)) + 0.02 * (rng.NextDouble() - 0.5) + 0.01);
        }
        return new global::LatentAudio.Audio.AudioBuffer(ch, rate);
    }
}
