namespace LatentAudio.Reconstruction;

/// <summary>The metrics a reconstruction report shows for every output.</summary>
public static class ReconstructionMetrics
{
    public static PairMetrics Default => (reference, degraded, rate) => new Dictionary<string, double>();
}
