namespace LatentAudio.Metrics;

/// <summary>
/// One ViSQOL comparison. <paramref name="Mos"/> is MOS-LQO in [1, 5]; <paramref name="Vnsim"/> the mean of
/// <paramref name="Fvnsim"/>, the per-band mean NSIM over the matched patches (low band first);
/// <paramref name="CenterFrequencies"/> the gammatone centre of each band in Hz. <paramref name="SampleRate"/> is the rate
/// the comparison ran at; <paramref name="Notes"/> say what was done to the inputs (resampling, alignment, mapping).
/// </summary>
public sealed record VisqolResult(
    double Mos,
    double Vnsim,
    double[] Fvnsim,
    double[] CenterFrequencies,
    VisqolMode Mode,
    int SampleRate,
    double AlignmentLagSeconds,
    int PatchCount,
    IReadOnlyList<string> Notes);
