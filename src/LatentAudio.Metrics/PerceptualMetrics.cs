namespace LatentAudio.Metrics;

/// <summary>
/// PESQ and ViSQOL as registry entries. Their own APIs reject inputs their standards reject (wrong rate, too short,
/// no speech) with InvalidInputException; inside a metrics table that is "not available for this pair", not a failure.
/// </summary>
public static class PerceptualMetrics
{
    public static IMetric PesqWideBand { get; } = new Metric(new(
        "pesq_wb", "PESQ wide-band (MOS-LQO)", "MOS", MetricDirection.Higher, 4.6439,
        "ITU-T P.862 perceptual model with the P.862.2 wide-band input filter and MOS-LQO mapping (speech only)",
        "16 kHz; ceiling 4.6439 (raw 4.5 through the P.862.2 mapping)", "ITU-T P.862 (2001), P.862.2 (2007); values as ludlows/python-pesq", "16 kHz (resampled if needed)"),
        p => Unavailable(() => PesqMos(p, PesqMode.WideBand)));

    public static IMetric PesqNarrowBand { get; } = new Metric(new(
        "pesq_nb", "PESQ narrow-band (MOS-LQO)", "MOS", MetricDirection.Higher, 4.5486,
        "ITU-T P.862 with the IRS receive filter, P.862.1 mapping to MOS-LQO (speech only)",
        "8 kHz or 16 kHz (16 kHz used); ceiling 4.5486 (raw 4.5 through the P.862.1 mapping)", "ITU-T P.862 (2001), P.862.1 (2003); values as ludlows/python-pesq", "16 kHz (resampled if needed)"),
        p => Unavailable(() => PesqMos(p, PesqMode.NarrowBand)));

    public static IMetric VisqolAudio { get; } = new Metric(new(
        "visqol_audio", "ViSQOL v3 audio mode (MOS-LQO)", "MOS", MetricDirection.Higher, 4.7321,
        "32-band gammatone NSIM over aligned patches, mapped to MOS by Google's nu-SVR model (music and general audio)",
        "the files as loaded: 48 kHz (other rates upsampled), untrimmed, aligned by ViSQOL itself; search window radius 60; ceiling 4.7321 (identical signals)",
        "Hines et al. 2015; Chinen et al., \"ViSQOL v3\", QoMEX 2020; google/visqol conformance values", "48 kHz (resampled)"),
        p => VisqolOutcome(p, VisqolMode.Audio));

    public static IMetric VisqolSpeech { get; } = new Metric(new(
        "visqol_speech", "ViSQOL v3 speech mode (exponential mapping)", "MOS", MetricDirection.Higher, 5.0,
        "21-band gammatone NSIM over voice-active patches, exponential similarity-to-quality mapping scaled so NSIM 1 gives 5; the TensorFlow Lite lattice mapping is not implemented",
        "input rate (16 kHz intended)", "Hines et al. 2015; Chinen et al. 2020; google/visqol", "input rate"),
        p => VisqolOutcome(p, VisqolMode.Speech));

    /// <summary>
    /// MOS with ViSQOL's own notes (resampling to 48 kHz, alignment lag, rate caveats) kept on the outcome. ViSQOL
    /// prepares the pair itself, so it gets the signals as loaded, not the pair's common-rate, trimmed copies: scored
    /// at 16 kHz and trimmed, strauss lp35 read 2.814 where google/visqol's conformance value is 1.389
    /// (docs/visqol.md).
    /// </summary>
    private static MetricOutcome VisqolOutcome(MetricPair p, VisqolMode mode)
    {
        var result = Unavailable(() => Visqol.Compute(p.LoadedReference, p.LoadedDegraded, mode));
        return double.IsFinite(result.Mos) ? MetricOutcome.Of(result.Mos, result.Notes)
            : MetricOutcome.Unavailable($"ViSQOL's MOS is not finite ({result.Mos})", result.Notes);
    }

    /// <summary>
    /// Both PESQ modes score the pair with one <see cref="PesqEvaluator"/> kept on the pair: it keeps its FFT plans and
    /// the level alignment, which does not depend on the mode, so the second mode skips them (same scores as a fresh
    /// <see cref="Pesq.Compute"/>: PesqEvaluatorReuseTests).
    /// </summary>
    private static double PesqMos(MetricPair pair, PesqMode mode)
    {
        var p = pair.AtRate(16000);
        return p.Cached("pesq_evaluator", () => new PesqEvaluator()).Score(p.Reference, p.Degraded, 16000, mode).MosLqo;
    }

    private static T Unavailable<T>(Func<T> compute)
    {
        try { return compute(); }
        catch (InvalidInputException e) { throw new MetricUnavailableException(e.Message); }
    }
}
