using LatentAudio.Audio;
using LatentAudio.Metrics.Distribution;
using LatentAudio.Models.Embeddings;

namespace LatentAudio.Study;

/// <summary>
/// The embeddings a row carries for the Fréchet distance: the network that made them (name and weights sha256), the
/// vectors of the item's input as read from its file (the reference) and those of the row's output. The reference is
/// repeated in every output row of an item, so each row is whole on its own (resume and shards need nothing else).
/// </summary>
public sealed record ItemEmbedding(string Network, string WeightsSha256, EmbeddingVectors Reference, EmbeddingVectors Output);

/// <summary>One embedding network turning an item's input and its outputs into <see cref="ItemEmbedding"/>s.</summary>
public sealed class ItemEmbedder(IAudioEmbedder embedder)
{
    public string Network => embedder.Name;
    public string WeightsSha256 => embedder.WeightsSha256;

    public EmbeddingVectors Embed(AudioBuffer audio) => EmbeddingVectors.Of(embedder.Embed(audio), embedder.Dimension);

    /// <summary>The vectors of the item's input: its file (or window) as read, every channel, its own rate.</summary>
    public EmbeddingVectors EmbedSource(AudioSource source)
    {
        AudioBuffer audio;
        using (var reader = source.Open()) audio = AudioFile.ReadAll(reader, source.Name);
        audio.EnsureFinite(source.Name);
        return Embed(audio);
    }

    public ItemEmbedding Pair(EmbeddingVectors reference, AudioBuffer output) => new(Network, WeightsSha256, reference, Embed(output));
}
