namespace LatentAudio.Models.Hub;

/// <summary>One file a model needs, with the names it may have in a repo, preferred first.</summary>
public sealed record RequiredFile(IReadOnlyList<string> Candidates)
{
    public string Preferred => Candidates[0];
}

/// <summary>
/// The files reconstruction needs from a diffusers-layout repo (shared/notes/audioldm2-pipeline.md §5): the VAE's
/// and the vocoder's config and weights, about 443 MB instead of the whole pipeline. Safetensors first; the PyTorch
/// .bin only where a repo has no safetensors (some AudioLDM 1 repos), read by the restricted unpickler.
/// </summary>
public static class ModelFileSet
{
    /// <summary>The files of <paramref name="known"/>'s repo: its original checkpoint when it has one (the whole file).</summary>
    public static IReadOnlyList<RequiredFile> For(ModelParts parts, KnownModel? known) =>
        known?.CheckpointFile is { } checkpoint ? [new([checkpoint])] : For(parts);

    public static IReadOnlyList<RequiredFile> For(ModelParts parts)
    {
        var files = new List<RequiredFile>();
        if (parts.HasFlag(ModelParts.Vae))
        {
            files.Add(new(["vae/config.json"]));
            files.Add(new(["vae/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.bin"]));
        }
        if (parts.HasFlag(ModelParts.Vocoder))
        {
            files.Add(new(["vocoder/config.json"]));
            files.Add(new(["vocoder/model.safetensors", "vocoder/pytorch_model.bin"]));
        }
        return files;
    }
}
