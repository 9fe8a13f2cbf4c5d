using LatentAudio.Models.Onnx;
using LatentAudio.Models.Pickle;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Original;

/// <summary>
/// The VAE and vocoder of an original AudioLDM/AudioLDM2 checkpoint (<c>audioldm_48k.pth</c>, <c>audioldm2-full.pth</c>:
/// a whole LatentDiffusion state dict, read by the restricted unpickler): only <c>first_stage_model.*</c> and the
/// scale_factor are read, the configs come from their shapes (<see cref="OriginalLayout"/>), every tensor is checked
/// against them, and the weights are served under the names the graph builders use.
/// </summary>
public sealed class OriginalCheckpoint
{
    private OriginalCheckpoint(string path, OriginalLayout layout, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Path = path;
        Layout = layout;
        VaeWeights = new OriginalWeights(path, tensors, OriginalLayout.Prefix, new OriginalVaeNames(layout.Vae.BlockOutChannels.Length).ToOriginal);
        VocoderWeights = new OriginalWeights(path, tensors, OriginalLayout.VocoderPrefix, OriginalVocoderNames.ToOriginal);
    }

    public string Path { get; }
    public OriginalLayout Layout { get; }
    public IWeights VaeWeights { get; }
    public IWeights VocoderWeights { get; }

    public static OriginalCheckpoint Open(string path)
    {
        var tensors = TorchCheckpointReader.Read(path, OriginalLayout.IsNeeded);
        double? scale = tensors.TryGetValue(OriginalLayout.ScaleFactorKey, out var s) && s.Data.Length == 1 ? s.Data[0] : null;
        var shapes = tensors.ToDictionary(kv => kv.Key, kv => kv.Value.Shape);
        return new OriginalCheckpoint(path, OriginalLayout.Infer(path, shapes, scale), tensors);
    }
}
