namespace LatentAudio.Models.Embeddings;

/// <summary>
/// A weights file published at a fixed public address (not on the Hugging Face hub), such as torchvggish's
/// <c>vggish-10086976.pth</c> or PANNs' <c>Cnn14_16k_mAP=0.438.pth</c>. <paramref name="Sha256"/> is checked after
/// download when known; <paramref name="Source"/> names where the address is documented.
/// </summary>
public sealed record PublicWeightsFile(string Name, Uri Url, string FileName, string? Sha256, string Source);
