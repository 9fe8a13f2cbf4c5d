using LatentAudio.Dsp;
using LatentAudio.Models;
using LatentAudio.Reconstruction;

namespace LatentAudio.Cli;

/// <summary>A resolved and loaded model: the VAE, the vocoder when asked for, and the facts about them.</summary>
public sealed class LoadedModel : IDisposable
{
    private LoadedModel(ILatentAutoencoder vae, IVocoder? vocoder, MelConfig melConfig, ModelDescription description)
    {
        Vae = vae; Vocoder = vocoder; MelConfig = melConfig; Description = description;
    }

    public ILatentAutoencoder Vae { get; }
    public IVocoder? Vocoder { get; }
    public MelConfig MelConfig { get; }
    public ModelDescription Description { get; }

    public static LoadedModel Load(string spec, ModelParts parts)
    {
        var location = ModelResolver.Resolve(spec, parts);
        throw new LatentAudioException($"loading {location.Id} is not wired yet");
    }

    public void Dispose()
    {
        Vae.Dispose();
        Vocoder?.Dispose();
    }
}
