using System.Numerics.Tensors;
using LatentAudio.Dsp;

namespace LatentAudio.Metrics.Spectral;

/// <summary>
/// Settings of descript-audio-codec's MelSpectrogramLoss (`dac/nn/loss.py`, copied from descript-audiotools).
/// Per scale: window w, hop w/4, n_fft w, periodic Hann, torch.stft centred with reflect padding, mel bank
/// librosa.filters.mel(sr, w, n_mels, 0, sr/2) on the magnitude.
/// </summary>
public sealed record MelDistanceSettings(int[] Windows, int[] Mels, double Pow, double ClampEps, double MagWeight, double LogWeight)
{
    /// <summary>descript-audio-codec `conf/base.yml` L63-69: 7 scales, pow 1, clamp 1e-5, mag_weight 0.</summary>
    public static MelDistanceSettings DacBase { get; } =
        new([32, 64, 128, 256, 512, 1024, 2048], [5, 10, 20, 40, 80, 160, 320], 1.0, 1e-5, 0.0, 1.0);

    /// <summary>MelSpectrogramLoss class defaults (`loss.py` L259-272): windows 2048/512, n_mels 150/80, pow 2,
    /// clamp 1e-5, mag_weight 1 (the linear-magnitude L1 term), log_weight 1.</summary>
    public static MelDistanceSettings AudiotoolsDefaults { get; } =
        new([2048, 512], [150, 80], 2.0, 1e-5, 1.0, 1.0);

    public string Describe() =>
        $"windows {string.Join("/", Windows)} (hop w/4), n_mels {string.Join("/", Mels)}, log10(clamp(mel, {ClampEps:0e0})^{Pow}), " +
        $"L1 log weight {LogWeight}, linear-magnitude L1 weight {MagWeight}, scales summed";
}

/// <summary>Multi-scale mel distance (the sum over scales of the DAC MelSpectrogramLoss terms).</summary>
public static class MelDistance
{
    public static double Compute(MetricPair pair, MelDistanceSettings settings)
    {
        double total = 0;
        for (int s = 0; s < settings.Windows.Length; s++)
        {
            var (mx, my) = MelPair(pair, settings.Windows[s], settings.Mels[s]);
            // x = estimate, y = reference in DAC; L1 is symmetric so the order does not matter.
            // |log10(clamp(a)^pow) - log10(clamp(b)^pow)| = pow |log10(clamp(a) / clamp(b))|
            var (logL1, linL1) = L1Terms(mx.Data, my.Data, settings.ClampEps);
            int count = mx.Data.Length;
            total += settings.LogWeight * settings.Pow * logL1 / count + settings.MagWeight * linL1 / count;
        }
        return total;
    }

    /// <summary>
    /// sum |log10(clamp(a)) - log10(clamp(b))| (as one log10 of the ratio) and sum |a - b|, in cache-sized chunks
    /// through TensorPrimitives.
    /// </summary>
    private static (double Log, double Linear) L1Terms(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double clamp)
    {
        const int Chunk = 2048;
        Span<double> ca = stackalloc double[Chunk];
        Span<double> cb = stackalloc double[Chunk];
        double log = 0, linear = 0;
        for (int i = 0; i < a.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, a.Length - i);
            var sa = a.Slice(i, len); var sb = b.Slice(i, len);
            var ta = ca[..len]; var tb = cb[..len];
            TensorPrimitives.Subtract(sa, sb, ta);
            linear += TensorPrimitives.SumOfMagnitudes<double>(ta);
            TensorPrimitives.Max(sa, clamp, ta);
            TensorPrimitives.Max(sb, clamp, tb);
            TensorPrimitives.Divide(ta, tb, ta);
            TensorPrimitives.Log10(ta, ta);
            log += TensorPrimitives.SumOfMagnitudes<double>(ta);
        }
        return (log, linear);
    }

    /// <summary>
    /// Mel magnitudes of both signals for one scale (window w, hop w/4), cached per pair so the two settings share
    /// the scales they have in common (512 with 80 bands). The linear spectrogram is projected frame by frame as the
    /// packed STFT produces it, so only the (small) mel spectrograms are kept.
    /// </summary>
    private static (Spectrogram Reference, Spectrogram Degraded) MelPair(MetricPair pair, int w, int nMels) =>
        pair.Cached($"melpair:{w}:{nMels}", () =>
        {
            var config = new StftConfig(w, w / 4, w);
            MetricPair.CheckLongEnough(pair.Length, config);
            var bank = new SparseMel(pair.SampleRate, w, nMels);
            var stft = new Stft(config);
            int frames = stft.FrameCountPadded(pair.Length);
            var mr = new double[frames * nMels];
            var md = new double[frames * nMels];
            stft.ForEachMagnitudePair(pair.Reference, pair.Degraded, (t, r, d) =>
            {
                bank.Project(r, mr.AsSpan(t * nMels, nMels));
                bank.Project(d, md.AsSpan(t * nMels, nMels));
            });
            return (new Spectrogram(mr, frames, nMels), new Spectrogram(md, frames, nMels));
        });
}
