namespace LatentAudio.Models;

/// <summary>Which VAE made a file: hub id (or folder), revision (commit, empty when none) and the sha256 of its weights.</summary>
public sealed record ModelIdentity(string Id, string Revision, byte[] WeightsSha256)
{
    public string Sha256Hex => Convert.ToHexStringLower(WeightsSha256);
    public bool SameWeights(ModelIdentity other) => WeightsSha256.AsSpan().SequenceEqual(other.WeightsSha256);
    public override string ToString() =>
        $"{Id}{(Revision.Length > 0 ? "@" + Revision : "")} (VAE sha256 {Sha256Hex[..Math.Min(12, Sha256Hex.Length)]}…)";
}

/// <summary>Where the model came from, for the record (reports, metrics.json). <paramref name="Warning"/> is set for a
/// random-weight demo model (<see cref="AudioLdm.AudioLdmModel.RandomWeightsMarker"/>): every output must show it.</summary>
public sealed record ModelDescription(string Id, string? Revision, double? ScalingFactor, string? Warning = null)
{
    /// <summary>The weights are random (a demo or test model): the audio is noise and the numbers mean nothing.</summary>
    public bool RandomWeights => Warning is not null;
}
