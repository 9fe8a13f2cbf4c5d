namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>A reference patch and where it was found in the degraded signal (times in seconds). A patch with no match has
/// zero degraded times, zero similarity and zero band means, as in the reference.</summary>
internal sealed record PatchMatch(
    double Similarity,
    double[] BandMeans,
    double RefStart,
    double RefEnd,
    double DegStart,
    double DegEnd)
{
    public bool IsUnmatched => DegStart == DegEnd && DegStart == 0.0;
}
