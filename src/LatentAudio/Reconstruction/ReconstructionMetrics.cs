using LatentAudio.Audio;
using LatentAudio.Metrics;

namespace LatentAudio.Reconstruction;

/// <summary>The metrics a reconstruction report shows for every output: the metrics library's, at the model rate.</summary>
public static class ReconstructionMetrics
{
    /// <summary>Every registered metric, or only those named in <paramref name="only"/>, each a value or a reason:
    /// the outcomes <c>latentaudio metrics</c> gives for the same pair at the same rate.</summary>
    public static PairMetrics Create(IReadOnlyList<string>? only = null) => (reference, degraded, rate) =>
    {
        var report = MetricEvaluator.Evaluate(AudioBuffer.Mono(reference, rate), AudioBuffer.Mono(degraded, rate),
            new MetricOptions(rate), only);
        return report.ToDictionary();
    };
}
