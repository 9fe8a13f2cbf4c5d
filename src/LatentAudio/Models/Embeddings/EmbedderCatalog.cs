using LatentAudio.Models.Embeddings.Vggish;

namespace LatentAudio.Models.Embeddings;

/// <summary>One embedding network users can name: its key, its published weights and how to load them.</summary>
public sealed record EmbedderInfo(string Name, string Description, PublicWeightsFile Weights, Func<string, IAudioEmbedder> Load);

/// <summary>The embedding networks for the Fréchet distance, by the key users name them with.</summary>
public static class EmbedderCatalog
{
    public const string Default = "vggish";

    public static IReadOnlyList<EmbedderInfo> All { get; } =
    [
        new("vggish", "VGGish (torchvggish port), 128-d per 0.96 s, fadtk's raw output", VggishEmbedder.Weights, path => VggishEmbedder.Load(path)),
        new("panns", "PANNs CNN14 16 kHz, 2048-d per clip (audioldm_eval's FD)", Panns.PannsCnn14Embedder.Weights, path => Panns.PannsCnn14Embedder.Load(path)),
    ];

    public static string Names => string.Join(", ", All.Select(e => e.Name));

    public static EmbedderInfo Find(string name) =>
        All.FirstOrDefault(e => e.Name == name)
        ?? throw new InvalidInputException($"no embedding network '{name}' (known: {Names})");
}
