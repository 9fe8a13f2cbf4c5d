using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
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
/// The real provider: the model object (<see cref="AudioLdmModel"/>: folder, hub id or alias; VAE, vocoder, its
/// front-end and the sha256 of its VAE weights, so a file only decodes with the weights that made it).
/// </summary>
public sealed class OnnxCodecModelProvider : ICodecModelProvider
{
    public CodecModel Load(string spec, string? revision)
    {
        var name = revision is null || spec.Contains('@') || Directory.Exists(spec) ? spec : $"{spec}@{revision}";
        return From(AudioLdmModel.Load(name, ModelParts.All, LatentAudio.Models.Onnx.SessionSettings.Default));
    }

    /// <summary>The codec's view of a loaded model (disposes it).</summary>
    public static CodecModel From(AudioLdmModel model)
    {
        var config = model.MelConfig;
        var vocoder = model.RequireVocoder();
        var griffinLim = new Dsp.GriffinLim(config);
        return new CodecModel(model.Vae, model.Identity, model.FrontEnd,
            mel => vocoder.Vocode(mel.Reshape(1, mel.Shape[0], mel.Shape[1])).Data,
            mel => griffinLim.FromLogMel(mel, mel.Shape[0] * config.Hop),
            model);
    }
}

public static class CodecModels
{
    public static ICodecModelProvider Default { get; } = new OnnxCodecModelProvider();
}
