namespace LatentAudio.Metrics;

/// <summary>How a pair is prepared before scoring.</summary>
/// <param name="Rate">Common rate both signals are resampled to when their rates differ from it (Hz).</param>
/// <param name="Align">Shift the degraded signal by the best lag (within <paramref name="MaxLagMs"/>) before
/// trimming, so that every metric sees the aligned pair. Off by default: the reference tools do not align.</param>
/// <param name="MaxLagMs">Search range of the best-lag cross-correlation, +- milliseconds.</param>
public sealed record MetricOptions(int Rate = 16000, bool Align = false, double MaxLagMs = 50)
{
    public static MetricOptions Default { get; } = new();
}
