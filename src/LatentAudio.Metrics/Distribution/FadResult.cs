namespace LatentAudio.Metrics.Distribution;

/// <summary>
/// A Fréchet distance between two embedding sets, with the numbers of vectors it rests on (always to be reported:
/// the estimate is biased upward for small n) and FAD∞ when the degraded side has enough vectors.
/// </summary>
public sealed record FadResult(double Distance, long ReferenceCount, long DegradedCount, FadInfinity? Infinity)
{
    /// <summary>The distance, or null when either side has fewer than two vectors (no covariance).</summary>
    public static FadResult? Compute(EmbeddingStatistics reference, EmbeddingStatistics degraded, IReadOnlyList<float[]>? degradedVectors = null, int seed = 0) =>
        reference.Count < 2 || degraded.Count < 2 ? null : Compute(FrechetBase.Of(reference), reference.Count, degraded, degradedVectors, seed);

    /// <summary>
    /// As <see cref="Compute(EmbeddingStatistics, EmbeddingStatistics, IReadOnlyList{float[]}?, int)"/> with the
    /// reference side prepared (<paramref name="referenceCount"/> vectors, two or more): the one eigen-decomposition
    /// serves the distance, every FAD∞ draw and any other output compared with the same reference.
    /// </summary>
    public static FadResult? Compute(FrechetBase reference, long referenceCount, EmbeddingStatistics degraded, IReadOnlyList<float[]>? degradedVectors = null, int seed = 0)
    {
        if (referenceCount < 2 || degraded.Count < 2) return null;
        double fd = reference.DistanceTo(degraded);
        var inf = degradedVectors is not null ? FadInfinity.Estimate(reference, degradedVectors, seed) : null;
        return new FadResult(fd, referenceCount, degraded.Count, inf);
    }
}
