using System.Numerics.Tensors;
using LatentAudio.Dsp;
using LatentAudio.Metrics.Waveform;

namespace LatentAudio.Metrics.Spectral;

/// <summary>Phase-blind measures on magnitude spectrograms (definitions in <see cref="MetricCatalog"/>).</summary>
public static class SpectralMetrics
{
    /// <summary>The "linear spectrogram" setting of spectral_corr and spectral_convergence: n_fft 1024, hop 160,
    /// periodic Hann 1024, centred with reflect padding (AudioLDM2's STFT at 16 kHz).</summary>
    public static readonly StftConfig Linear = new(1024, 160, 1024);

    public static double SpectralCorrelation(MetricPair pair)
    {
        pair.RequireAudible(degradedToo: true); // a silent side's spectrogram is FFT rounding: no correlation to speak of
        return WaveformMeasures.Pearson(pair.ReferenceMagnitude(Linear).Data, pair.DegradedMagnitude(Linear).Data);
    }

    /// <summary>auraloss's magnitude floor: STFTLoss.stft takes sqrt(clamp(re^2 + im^2, min=1e-8)).</summary>
    public const double AuralossMagnitudeFloor = 1e-4;

    /// <summary>||S_ref - S_deg||_F / ||S_ref||_F on the linear spectrogram (Arik et al. 2019's spectral
    /// convergence, the auraloss SC term, target = reference), magnitudes floored at 1e-4 as auraloss's
    /// STFTLoss(1024, 160, 1024, w_sc=1, w_log_mag=0) computes it.</summary>
    public static double SpectralConvergence(MetricPair pair)
    {
        pair.RequireAudible(); // the denominator is the reference's spectral energy
        var r = pair.ReferenceMagnitude(Linear).Data;
        var d = pair.DegradedMagnitude(Linear).Data;
        return SpectralConvergence(r, d, AuralossMagnitudeFloor);
    }

    /// <summary>||max(target, floor) - max(input, floor)||_F / ||max(target, floor)||_F.</summary>
    public static double SpectralConvergence(ReadOnlySpan<double> target, ReadOnlySpan<double> input, double floor = 0)
    {
        double num = 0, den = 0;
        for (int i = 0; i < target.Length; i++)
        {
            double t = Math.Max(target[i], floor), e = t - Math.Max(input[i], floor);
            num += e * e; den += t * t;
        }
        if (den == 0) throw new MetricUnavailableException("reference spectrogram is all zero");
        return Math.Sqrt(num) / Math.Sqrt(den);
    }

    /// <summary>Pearson correlation of the model-domain log-mels of the pair at 16 kHz.</summary>
    public static double LogMelCorrelation(MetricPair pair)
    {
        pair.RequireAudible(degradedToo: true);
        var p16 = pair.AtRate(ModelLogMel.SampleRate);
        var r = p16.Cached("logmel:ref", () => ModelLogMel.Compute(p16, reference: true));
        var d = p16.Cached("logmel:deg", () => ModelLogMel.Compute(p16, reference: false));
        return WaveformMeasures.Pearson(r.Data, d.Data);
    }

    /// <summary>
    /// Log-spectral distance as audioldm_eval / ssr_eval compute it (haoheliu/ssr_eval `metrics.py`): each signal
    /// mean-removed and divided by its peak, S = |STFT| with n_fft = int(2048 / (44100 / sr)) (743 at 16 kHz),
    /// hop sr/100, periodic Hann, centred with zero padding (librosa >= 0.9), then
    /// mean_t sqrt(mean_f (log10(S_ref^2 / (S_deg + 1e-12)^2 + 1e-12))^2). audioldm_eval's fixed 1120-sample
    /// HiFi-GAN offset is not applied (align with --align instead).
    /// </summary>
    public static double LogSpectralDistance(MetricPair pair)
    {
        int sr = pair.SampleRate;
        int nFft = (int)(2048 / (44100.0 / sr)), hop = sr / 100;
        var config = new StftConfig(nFft, hop, nFft, Center: true, Pad: PadMode.Constant);
        const double Eps = 1e-12;
        int bins = config.Bins;
        var power = new double[bins];
        var floor = new double[bins];
        double sum = 0;
        // Frame by frame as the packed STFT produces it (no other metric uses this setting).
        int frames = new Stft(config).ForEachMagnitudePair(PeakNormalised(pair.Reference), PeakNormalised(pair.Degraded), (_, fr, fd) =>
        {
            TensorPrimitives.Add(fd, Eps, floor);
            TensorPrimitives.Multiply(floor, floor, floor);
            TensorPrimitives.Multiply(fr, fr, power);
            TensorPrimitives.Divide(power, floor, power);
            TensorPrimitives.Add(power, Eps, power);
            TensorPrimitives.Log10(power, power);
            sum += Math.Sqrt(TensorPrimitives.SumOfSquares<double>(power) / bins);
        });
        return sum / frames;
    }

    private static float[] PeakNormalised(float[] x)
    {
        double mean = WaveformMeasures.Mean(x), peak = 0;
        foreach (var v in x) peak = Math.Max(peak, Math.Abs(v - mean));
        if (peak == 0) throw new MetricUnavailableException("a signal is constant (no peak to normalise by)");
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (float)((x[i] - mean) / peak);
        return y;
    }
}
