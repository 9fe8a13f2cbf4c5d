using LatentAudio.Tensors;

namespace LatentAudio.Models;

/// <summary>
/// The VAE as the rest of the pipeline sees it. Log-mel in, posterior out, in the model's natural-log mel domain,
/// time-major: mel tensors are [B, 1, T, nMels]; latents [B, LatentChannels, T/Downsample, nMels/Downsample].
/// </summary>
public interface ILatentAutoencoder : IDisposable
{
    int LatentChannels { get; }
    /// <summary>2^(number of down blocks - 1): 4 for AudioLDM2.</summary>
    int Downsample { get; }
    /// <summary>Posterior mean and (clamped) log-variance of the encoder.</summary>
    (Tensor Mean, Tensor LogVar) Encode(Tensor mel);
    Tensor Decode(Tensor latent);
}

/// <summary>The model's own vocoder: log-mel [B, T, nMels] -> waveform [B, Hop*T + extra].</summary>
public interface IVocoder : IDisposable
{
    int SampleRate { get; }
    Tensor Vocode(Tensor mel);
}

/// <summary>A model found on disk: the folder holding <c>vae/</c> and <c>vocoder/</c>, and where it came from.</summary>
public sealed record ModelLocation(
    /// <summary>Hub id (e.g. cvssp/audioldm2) or the local folder the user named.</summary>
    string Id,
    /// <summary>Hub commit hash when it came from the hub; null for a local folder.</summary>
    string? Revision,
    string RootFolder)
{
    /// <summary>Set when this resolve fetched part of an original checkpoint by range requests: what it saved.</summary>
    public Hub.SubsetFetchReport? Subset { get; init; }
    /// <summary>Set when a subset fetch was not possible and the whole checkpoint was downloaded instead: why.</summary>
    public string? WholeFileReason { get; init; }

    public string VaeFolder => Path.Combine(RootFolder, "vae");
    public string VocoderFolder => Path.Combine(RootFolder, "vocoder");
}

/// <summary>Which parts of a model a command needs (a folder needs only those).</summary>
[Flags]
public enum ModelParts
{
    Vae = 1,
    Vocoder = 2,
    All = Vae | Vocoder,
}
