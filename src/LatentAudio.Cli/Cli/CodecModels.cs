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
    Func<Tensor, float[]>? GriffinLim = null) : IDisposable
{
    public void Dispose() => Vae.Dispose();
}

/// <summary>Loads a model for the codec commands (a seam: tests pass a fake, the integrator the real loader).</summary>
public interface ICodecModelProvider
{
    /// <param name="spec">--model as given (hub id, id@revision or a folder), or the id stored in a file.</param>
    /// <param name="revision">Revision stored in a file being decoded, when --model was not given; else null.</param>
    CodecModel Load(string spec, string? revision);
}

/// <summary>The provider the CLI uses until the ONNX VAE/vocoder and the AudioLDM front-end are wired in.</summary>
public sealed class UnwiredCodecModelProvider : ICodecModelProvider
{
    // TODO(integrator): return new CodecModel(AutoencoderKl.Load(location), identity from ModelResolver + sha256 of the
    // VAE weights, a DelegateMelFrontEnd over Dsp.AudioLdmFrontEnd, mel => vocoder.Vocode(...)).
    public CodecModel Load(string spec, string? revision) =>
        throw new LatentAudioException($"cannot load model '{spec}': this build has no VAE runtime wired into the codec commands yet");
}

public static class CodecModels
{
    public static ICodecModelProvider Default { get; } = new UnwiredCodecModelProvider();
}
