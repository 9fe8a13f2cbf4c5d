namespace LatentAudio.Metrics.Distribution;

/// <summary>
/// A Fréchet distance between two embedding sets, with the numbers of vectors it rests on (always to be reported:
/// the estimate is biased upward for small n) and FAD∞ when the degraded side has enough vectors.
/// </summary>
public sealed record FadResult(double Distance, long ReferenceCount, long DegradedCount, FadInfinity? Infinity)
{
    /// <summary>The distance, or null when either side has fewer than two vectors (no covariance).</summary>
    public static FadResult? Compute(EmbeddingStatistics reference, EmbeddingStatistics degraded, IReadOnlyList<float[]>? degradedVectors = null, int seed = 0)
    {
        if (reference.Count < 2 || degraded.Count < 2) return null;
        double fd = FrechetDistance.Between(reference, degraded);
        var inf = degradedVectors is not null ? FadInfinity.Estimate(reference, degradedVectors, seed) : null;
        return new FadResult(fd, reference.Count, degraded.Count, inf);
    }
}
