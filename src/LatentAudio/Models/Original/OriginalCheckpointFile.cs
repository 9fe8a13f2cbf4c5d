namespace LatentAudio.Models.Original;

/// <summary>
/// Where a model name points at an original AudioLDM/AudioLDM2 checkpoint: a <c>.pth</c>/<c>.ckpt</c> file, or a folder
/// that holds exactly one such file and no diffusers <c>vae/</c> folder (as a download of haoheliu/audioldm_48k does).
/// </summary>
public static class OriginalCheckpointFile
{
    public static IReadOnlyList<string> Extensions { get; } = [".pth", ".ckpt"];

    /// <summary>The checkpoint file <paramref name="spec"/> names, or null when it names something else.</summary>
    public static string? Find(string spec)
    {
        if (File.Exists(spec)) return IsCheckpoint(spec) ? spec : null;
        if (!Directory.Exists(spec) || Directory.Exists(Path.Combine(spec, "vae"))) return null;
        var files = Directory.EnumerateFiles(spec).Where(IsCheckpoint).Take(2).ToList();
        return files.Count == 1 ? files[0] : null;
    }

    private static bool IsCheckpoint(string path) =>
        Extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
