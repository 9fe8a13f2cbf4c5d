namespace LatentAudio;

/// <summary>
/// How far a long library call is: <see cref="Done"/> of <see cref="Total"/> units of <see cref="Stage"/> (e.g. 3 of
/// 12 "window"s). <see cref="Total"/> 0 means not known yet (e.g. while the input is first scanned). The library only
/// reports it (through <see cref="IProgress{T}"/>); showing it is the caller's.
/// </summary>
public readonly record struct WorkProgress(string Stage, long Done, long Total)
{
    /// <summary>Done / Total in [0, 1]; 0 while the total is unknown.</summary>
    public double Fraction => Total > 0 ? Math.Clamp((double)Done / Total, 0, 1) : 0;
}
