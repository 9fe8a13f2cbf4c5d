using LatentAudio.Audio;
using LatentAudio.Metrics;

namespace LatentAudio.Reconstruction;

/// <summary>The metrics a reconstruction report shows for every output: the metrics library's, at the model rate.</summary>
public static class ReconstructionMetrics
{
    /// <summary>Every registered metric, or only those named in <paramref name="only"/>. Unavailable ones are NaN.</summary>
    public static PairMetrics Create(IReadOnlyList<string>? only = null) => (reference, degraded, rate) =>
    {
        var report = MetricEvaluator.Evaluate(AudioBuffer.Mono(reference, rate), AudioBuffer.Mono(degraded, rate),
            new MetricOptions(rate), only);
        return report.ToDictionary().ToDictionary(kv => kv.Key, kv => kv.Value ?? double.NaN);
    };
}
