using LatentAudio.Audio;

namespace LatentAudio.Models.Embeddings;

/// <summary>
/// A network that turns a clip into embedding vectors for the Fréchet (audio) distance (Kilgour et al. 2019,
/// arXiv:1812.08466). VGGish gives one vector per 0.96 s example (torchvggish), PANNs CNN14 one per clip
/// (audioldm_eval's FD). The Fréchet distance is computed over all vectors of a set.
/// </summary>
public interface IAudioEmbedder : IDisposable
{
    /// <summary>The key users name it by: "vggish" or "panns".</summary>
    string Name { get; }
    /// <summary>The rate the network expects; the embedder resamples other rates itself (torchaudio's kernel).</summary>
    int SampleRate { get; }
    /// <summary>Length of each vector (128 for VGGish, 2048 for CNN14).</summary>
    int Dimension { get; }
    /// <summary>sha256 of the weights file, so a summary can name what it measured with.</summary>
    string WeightsSha256 { get; }
    /// <summary>Embedding vectors of one clip (channels reduced by each reference's own rule: VGGish averages them as torchvggish does; check each embedder's summary); none when the clip is too short.</summary>
    IReadOnlyList<float[]> Embed(AudioBuffer audio);
}
