using LatentAudio.Dsp;

namespace LatentAudio.Metrics.Spectral;

/// <summary>
/// Mel-cepstral distortion, frame-aligned (no DTW), on MFCC-style mel cepstra with the parameters the
/// stefantaubert/mel-cepstral-distance README lists as its defaults: 32 ms periodic-Hann frames, 8 ms hop
/// (512/128 at 16 kHz), centred with reflect padding, 20 Slaney mel bands 0..sr/2 on the power spectrum,
/// c = orthonormal DCT-II of 0.5 ln(max(mel power, 1e-10)) (the log-amplitude cepstrum), coefficients c0..c15.
/// Frame distance (10/ln 10) sqrt(2 sum_d (c_d - c'_d)^2) (Kubichek 1993, in dB), averaged over all frames;
/// with c0 (s = 0, level-dependent) or without it (s = 1).
/// </summary>
public static class MelCepstralDistortion
{
    public const int Bands = 20, Coefficients = 16;
    private const double PowerFloor = 1e-10;
    private static readonly double Alpha = 10.0 / Math.Log(10.0) * Math.Sqrt(2.0);

    public static double Compute(MetricPair pair, bool includeC0)
    {
        var (cr, cd) = pair.Cached("mcep", () => CepstraPair(pair));
        int frames = cr.Length / Coefficients, s = includeC0 ? 0 : 1;
        double sum = 0;
        for (int t = 0; t < frames; t++)
        {
            double acc = 0;
            for (int d = s; d < Coefficients; d++)
            {
                double e = cr[t * Coefficients + d] - cd[t * Coefficients + d];
                acc += e * e;
            }
            sum += Alpha * Math.Sqrt(acc);
        }
        return sum / frames;
    }

    public static StftConfig Config(int sampleRate)
    {
        int win = (int)Math.Round(0.032 * sampleRate), hop = (int)Math.Round(0.008 * sampleRate);
        return new StftConfig(win, hop, win);
    }

    /// <summary>Cepstra of both signals, frame by frame as the packed STFT produces the magnitudes (no spectrogram
    /// is kept: no other metric uses this setting).</summary>
    private static (double[] Reference, double[] Degraded) CepstraPair(MetricPair pair)
    {
        var config = Config(pair.SampleRate);
        MetricPair.CheckLongEnough(pair.Length, config);
        var bank = new SparseMel(pair.SampleRate, config.NFft, Bands);
        var dct = DctMatrix();
        var stft = new Stft(config);
        int frames = stft.FrameCountPadded(pair.Length);
        var cr = new double[frames * Coefficients];
        var cd = new double[frames * Coefficients];
        var mel = new double[Bands];
        stft.ForEachMagnitudePair(pair.Reference, pair.Degraded, (t, r, d) =>
        {
            Cepstrum(bank, dct, r, mel, cr.AsSpan(t * Coefficients, Coefficients));
            Cepstrum(bank, dct, d, mel, cd.AsSpan(t * Coefficients, Coefficients));
        });
        return (cr, cd);
    }

    private static void Cepstrum(SparseMel bank, double[] dct, ReadOnlySpan<double> magnitude, Span<double> mel, Span<double> cepstrum)
    {
        bank.Project(magnitude, mel, squareInput: true);
        for (int m = 0; m < Bands; m++) mel[m] = 0.5 * Math.Log(Math.Max(mel[m], PowerFloor));
        for (int d = 0; d < Coefficients; d++)
        {
            double acc = 0;
            for (int m = 0; m < Bands; m++) acc += dct[d * Bands + m] * mel[m];
            cepstrum[d] = acc;
        }
    }

    // Orthonormal DCT-II (scipy.fft.dct(type=2, norm="ortho")), rows = coefficients.
    private static double[] DctMatrix()
    {
        var m = new double[Coefficients * Bands];
        for (int d = 0; d < Coefficients; d++)
        {
            double scale = d == 0 ? Math.Sqrt(1.0 / Bands) : Math.Sqrt(2.0 / Bands);
            for (int n = 0; n < Bands; n++) m[d * Bands + n] = scale * Math.Cos(Math.PI * d * (2 * n + 1) / (2.0 * Bands));
        }
        return m;
    }
}
