using LatentAudio.Metrics.Intelligibility;
using LatentAudio.Metrics.Loudness;
using LatentAudio.Metrics.Spectral;
using LatentAudio.Metrics.Waveform;

namespace LatentAudio.Metrics;

/// <summary>Every metric of this library with its definition (the registry lists which are run, in order).</summary>
public static class MetricCatalog
{
    private const string CommonRate = "common rate (default 16 kHz)";

    public static IMetric Snr { get; } = new Metric(new(
        "snr", "Signal-to-noise ratio", "dB", MetricDirection.Higher, double.PositiveInfinity,
        "10 log10(sum ref^2 / sum (ref - deg)^2); not delay- or gain-tolerant",
        "no epsilon, no mean removal", "standard definition", CommonRate),
        p => WaveformMeasures.Snr(p.Reference, p.Degraded));

    public static IMetric SiSdr { get; } = new Metric(new(
        "si_sdr", "Scale-invariant signal-to-distortion ratio", "dB", MetricDirection.Higher, double.PositiveInfinity,
        "means removed; alpha = <deg, ref>/<ref, ref>; 10 log10(|alpha ref|^2 / |deg - alpha ref|^2)",
        "zero_mean, no epsilon", "Le Roux et al., \"SDR - half-baked or well done?\", ICASSP 2019", CommonRate),
        p => WaveformMeasures.SiSdr(p.Reference, p.Degraded));

    public static IMetric Pearson { get; } = new Metric(new(
        "pearson", "Waveform correlation", "", MetricDirection.Higher, 1.0,
        "Pearson correlation coefficient of the two waveforms at lag 0",
        "lag 0", "Pearson 1895", CommonRate),
        p => WaveformMeasures.Pearson(p.Reference, p.Degraded));

    public static IMetric BestLag { get; } = new Metric(new(
        "best_lag_ms", "Best lag", "ms", MetricDirection.None, 0.0,
        "lag maximising the cross-correlation sum_n ref[n] deg[n + lag]; positive = degraded is late",
        "search +-50 ms, integer samples", "cross-correlation alignment", CommonRate),
        p => { p.RequireAudible(degradedToo: true); return p.BestLag.Milliseconds; }); // no lag correlates with silence

    public static IMetric SnrAligned { get; } = new Metric(new(
        "snr_aligned", "SNR after alignment", "dB", MetricDirection.Higher, double.PositiveInfinity,
        "SNR on the overlap of ref[n] and deg[n + best_lag]", "best lag within +-50 ms", "standard definition", CommonRate),
        p => { var (r, d) = AlignedOverlap(p); return WaveformMeasures.Snr(r.Span, d.Span); });

    public static IMetric SiSdrAligned { get; } = new Metric(new(
        "si_sdr_aligned", "SI-SDR after alignment", "dB", MetricDirection.Higher, double.PositiveInfinity,
        "SI-SDR on the overlap of ref[n] and deg[n + best_lag]", "best lag within +-50 ms, zero_mean",
        "Le Roux et al., ICASSP 2019", CommonRate),
        p => { var (r, d) = AlignedOverlap(p); return WaveformMeasures.SiSdr(r.Span, d.Span); });

    public static IMetric SpectralCorr { get; } = new Metric(new(
        "spectral_corr", "Magnitude-spectrogram correlation", "", MetricDirection.Higher, 1.0,
        "Pearson correlation of |STFT(ref)| and |STFT(deg)| over all time-frequency cells",
        "n_fft 1024, hop 160, periodic Hann 1024, centred, reflect padding",
        "not verified (own definition: Pearson correlation of |STFT| cells, the phase-blind counterpart of pearson; its spectrogram is the one spectral_convergence verifies against auraloss)", CommonRate),
        SpectralMetrics.SpectralCorrelation);

    public static IMetric LogMelCorr { get; } = new Metric(new(
        "logmel_corr", "Model-domain log-mel correlation", "", MetricDirection.Higher, 1.0,
        "Pearson correlation of the AudioLDM2 log-mels ln(max(mel(|STFT|), 1e-5)) of the two signals",
        "n_fft 1024, hop 160, 64 Slaney mels 0-8000 Hz (librosa), natural log, floor 1e-5",
        "not verified (own definition: Pearson correlation of log-mel cells); the log-mel is AudioLDM2's TacotronSTFT front end (haoheliu/AudioLDM2 audioldm2/utilities/audio/stft.py), verified by LogMelParityTests", "16 kHz (resampled if needed)"),
        SpectralMetrics.LogMelCorrelation);

    public static IMetric Lsd { get; } = new Metric(new(
        "lsd", "Log-spectral distance", "log10 power (bels)", MetricDirection.Lower, 0.0,
        "mean over frames of sqrt(mean over bins of (log10(S_ref^2 / (S_deg + 1e-12)^2 + 1e-12))^2); each signal mean-removed and peak-normalised",
        "n_fft int(2048 sr/44100) (743 at 16 kHz), hop sr/100, periodic Hann, centred, zero padding; no 1120-sample offset",
        "haoheliu/ssr_eval metrics.py, as haoheliu/audioldm_eval eval.py L145-180 calls it (time_offset 0); verified against audioldm_eval@8dc07ee + ssr_eval@907395c, librosa 0.10.2 (reference/metrics/lsd.py)", CommonRate),
        SpectralMetrics.LogSpectralDistance);

    public static IMetric MelDistanceDac { get; } = new Metric(new(
        "mel_distance", "Multi-scale mel distance (DAC conf/base.yml)", "log10 magnitude", MetricDirection.Lower, 0.0,
        "sum over scales of L1(log10(max(mel_ref, 1e-5)), log10(max(mel_deg, 1e-5)))",
        MelDistanceSettings.DacBase.Describe(),
        "descript-audio-codec dac/nn/loss.py MelSpectrogramLoss with conf/base.yml L63-69; verified against DAC@c7cfc5d + audiotools@348ebf2 (reference/metrics/mel_distance.py)", CommonRate),
        p => MelDistance.Compute(p, MelDistanceSettings.DacBase));

    public static IMetric MelDistanceAudiotools { get; } = new Metric(new(
        "mel_distance_audiotools", "Multi-scale mel distance (audiotools defaults)", "log10 power + lin.", MetricDirection.Lower, 0.0,
        "sum over scales of L1(log10(max(mel, 1e-5)^2)) + L1(mel_ref, mel_deg)",
        MelDistanceSettings.AudiotoolsDefaults.Describe(),
        "descript-audiotools / DAC MelSpectrogramLoss class defaults (dac/nn/loss.py L259-272); verified against DAC@c7cfc5d + audiotools@348ebf2 (reference/metrics/mel_distance.py)", CommonRate),
        p => MelDistance.Compute(p, MelDistanceSettings.AudiotoolsDefaults));

    public static IMetric MrStft { get; } = new Metric(new(
        "mrstft", "Multi-resolution STFT distance (auraloss)", "", MetricDirection.Lower, 0.0,
        "mean over resolutions of ||Y - X||_F/||Y||_F + mean|ln X - ln Y|, X = |STFT(deg)|, Y = |STFT(ref)|; asymmetric",
        "FFT 1024/2048/512, hops 120/240/50, windows 600/1200/240 (periodic Hann centred in the FFT), magnitude floor sqrt(1e-8)",
        "csteinmetz1/auraloss auraloss/freq.py MultiResolutionSTFTLoss() defaults", CommonRate),
        p => { p.RequireAudible(); return MultiResolutionStft.Compute(p); }); // its SC term divides by the reference's energy

    public static IMetric SpectralConvergence { get; } = new Metric(new(
        "spectral_convergence", "Spectral convergence", "", MetricDirection.Lower, 0.0,
        "||S_ref - S_deg||_F / ||S_ref||_F on magnitude spectrograms (each floored at 1e-4, as auraloss)",
        "n_fft 1024, hop 160, periodic Hann 1024, centred, reflect padding, magnitude floor sqrt(1e-8)",
        "Arik et al., \"Fast spectrogram inversion using multi-head CNNs\", 2019; verified against auraloss@0853e9e STFTLoss(1024, 160, 1024, w_sc=1, w_log_mag=0) SC term (reference/metrics/spectral_convergence.py)", CommonRate),
        SpectralMetrics.SpectralConvergence);

    public static IMetric Mcd { get; } = new Metric(new(
        "mcd", "Mel-cepstral distortion (with c0)", "dB", MetricDirection.Lower, 0.0,
        "mean over frames of (10/ln10) sqrt(2 sum_{d=0}^{15} (c_d - c'_d)^2), frame-aligned (no DTW); c0 makes it level-dependent",
        "32 ms / 8 ms periodic Hann, 20 Slaney mels on power, c = DCT-II(ortho) of ln mel amplitude, c0..c15",
        McdReference, CommonRate),
        p => MelCepstralDistortion.Compute(p, includeC0: true));

    public static IMetric McdNoC0 { get; } = new Metric(new(
        "mcd_no_c0", "Mel-cepstral distortion (without c0)", "dB", MetricDirection.Lower, 0.0,
        "as mcd with d from 1 (energy term excluded), frame-aligned (no DTW)",
        "32 ms / 8 ms periodic Hann, 20 Slaney mels on power, c1..c15",
        McdReference, CommonRate),
        p => MelCepstralDistortion.Compute(p, includeC0: false));

    private const string McdReference =
        "Kubichek 1993; frame parameters per stefantaubert/mel-cepstral-distance defaults. Not verified: differs from " +
        "stefantaubert/mel-cepstral-distance@deefa00 because that package uses uncentred frames, symmetric Hann, HTK-bin " +
        "filters, log10 energy, an unnormalised DCT without c0 and alpha 1 (its values: reference/metrics/mcd.py), and " +
        "from VERSA / pymcd because they use WORLD + SPTK mel-cepstra (pyworld/pysptk, not available to run here)";

    public static IMetric StoiClassic { get; } = new Metric(new(
        "stoi", "Short-time objective intelligibility", "", MetricDirection.Higher, 1.0,
        "mean correlation of clipped, normalised 1/3-octave envelopes over 384 ms segments (speech only)",
        "10 kHz, 256/512 STFT hop 128, 15 bands from 150 Hz, 30 frames, beta -15 dB, 40 dB silent-frame removal",
        "Taal et al., IEEE TASLP 2011; mpariente/pystoi v0.4.1", "10 kHz (pystoi's Octave-compatible resampler)"),
        p => { p.RequireAudible(); return p.Cached("stoi", () => Stoi.FromTenKilohertz(StoiInput(p).Clean, StoiInput(p).Degraded, extended: false)); });

    public static IMetric StoiExtended { get; } = new Metric(new(
        "estoi", "Extended STOI", "", MetricDirection.Higher, 1.0,
        "mean inner product of row- then column-normalised 15x30 envelope segments, no clipping (speech only)",
        "as stoi", "Jensen & Taal, IEEE TASLP 2016; mpariente/pystoi v0.4.1", "10 kHz (pystoi's Octave-compatible resampler)"),
        p => { p.RequireAudible(); return Stoi.FromTenKilohertz(StoiInput(p).Clean, StoiInput(p).Degraded, extended: true); });

    public static IMetric LufsRef { get; } = new Metric(new(
        "lufs_ref", "Integrated loudness of the reference", "LUFS", MetricDirection.None, null,
        "gated integrated loudness of the K-weighted signal (all channels)",
        "400 ms blocks, 75 % overlap, gates -70 LUFS and -10 LU, ITU K-weighting designed at the signal's rate",
        "ITU-R BS.1770-4 / EBU R128; block arithmetic as pyloudnorm v0.2.0", CommonRate) { LevelDependent = true },
        p => Loudness(p, reference: true));

    public static IMetric LufsDeg { get; } = new Metric(new(
        "lufs_deg", "Integrated loudness of the degraded signal", "LUFS", MetricDirection.None, null,
        "as lufs_ref, on the degraded signal", "as lufs_ref", "ITU-R BS.1770-4 / EBU R128", CommonRate) { LevelDependent = true },
        p => Loudness(p, reference: false));

    public static IMetric LufsDiff { get; } = new Metric(new(
        "lufs_diff", "Loudness difference", "LU", MetricDirection.TowardIdeal, 0.0,
        "lufs_deg - lufs_ref (0 is ideal; sign says louder or quieter)", "as lufs_ref",
        "ITU-R BS.1770-4 / EBU R128", CommonRate) { LevelDependent = true },   // the -70 LUFS gate is absolute
        p => Loudness(p, reference: false) - Loudness(p, reference: true));

    private static (double[] Clean, double[] Degraded) StoiInput(MetricPair p) =>
        p.Cached("stoi:input", () => Stoi.Prepare(p.Reference, p.Degraded, p.SampleRate));

    private static double Loudness(MetricPair p, bool reference)
    {
        double lufs = p.Cached(reference ? "lufs:ref" : "lufs:deg", () =>
            new LoudnessMeter(p.SampleRate).Integrated(reference ? p.ReferenceAudio : p.DegradedAudio));
        // The meter returns -inf as pyloudnorm does; in a report that is "silent", with the standard's reason.
        return double.IsNegativeInfinity(lufs)
            ? throw new MetricUnavailableException($"the {(reference ? "reference" : "degraded signal")} is silent: every 400 ms block is under the -70 LUFS absolute gate")
            : lufs;
    }

    /// <summary>The overlap at the best lag; none when a signal is silent (no lag correlates with silence).</summary>
    private static (ReadOnlyMemory<float> Reference, ReadOnlyMemory<float> Degraded) AlignedOverlap(MetricPair p)
    {
        p.RequireAudible(degradedToo: true);
        return Alignment.Overlap(p.Reference, p.Degraded, p.BestLag.Lag);
    }
}
