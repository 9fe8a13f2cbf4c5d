using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Models;
using LatentAudio.Tensors;

namespace LatentAudio.Cli;

/// <summary>Everything encode/decode/rd need from one model. Vocoders take a log-mel [T, MelBins] and return samples at the model rate.</summary>
public sealed record CodecModel(
    ILatentAutoencoder Vae,
    ModelIdentity Identity,
    IMelFrontEnd FrontEnd,
    Func<Tensor, float[]>? Vocoder,
    Func<Tensor, float[]>? GriffinLim = null,
    IDisposable? Owner = null) : IDisposable
{
    public void Dispose()
    {
        if (Owner is not null) Owner.Dispose();
        else Vae.Dispose();
    }
}

/// <summary>Loads a model for the codec commands (a seam: tests pass a fake, the integrator the real loader).</summary>
public interface ICodecModelProvider
{
    /// <param name="spec">--model as given (hub id, id@revision or a folder), or the id stored in a file.</param>
    /// <param name="revision">Revision stored in a file being decoded, when --model was not given; else null.</param>
    CodecModel Load(string spec, string? revision);
}

/// <summary>
/// The real provider: resolves the model (folder, hub id or alias), loads the ONNX VAE and vocoder, and identifies
/// the weights by the sha256 of the VAE's safetensors file, so a file only decodes with the weights that made it.
/// </summary>
public sealed class OnnxCodecModelProvider : ICodecModelProvider
{
    public CodecModel Load(string spec, string? revision)
    {
        var name = revision is null || spec.Contains('@') || Directory.Exists(spec) ? spec : $"{spec}@{revision}";
        var loaded = LoadedModel.Load(name, ModelParts.All);
        var location = loaded.Location;
        var weights = Path.Combine(location.VaeFolder, LatentAudio.Models.Vae.AutoencoderKl.WeightsFile);
        byte[] sha;
        using (var fs = File.OpenRead(weights)) sha = System.Security.Cryptography.SHA256.HashData(fs);
        var identity = new ModelIdentity(location.Id, location.Revision ?? "", sha);
        var config = loaded.MelConfig;
        var front = new AudioLdmCodecFrontEnd(config);
        var vocoder = loaded.Vocoder!;
        var griffinLim = new Dsp.GriffinLim(config);
        return new CodecModel(loaded.Vae, identity, front,
            mel => vocoder.Vocode(mel.Reshape(1, mel.Shape[0], mel.Shape[1])).Data,
            mel => griffinLim.FromLogMel(mel, mel.Shape[0] * config.Hop),
            loaded);
    }
}

public static class CodecModels
{
    public static ICodecModelProvider Default { get; } = new OnnxCodecModelProvider();
}
