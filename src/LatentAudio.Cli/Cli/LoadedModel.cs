using LatentAudio.Dsp;
using LatentAudio.Models;
using LatentAudio.Models.Hub;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vae;
using LatentAudio.Models.Vocoder;
using LatentAudio.Reconstruction;

namespace LatentAudio.Cli;

/// <summary>A resolved and loaded model: the VAE, the vocoder when asked for, and the facts about them.</summary>
public sealed class LoadedModel : IDisposable
{
    private LoadedModel(ModelLocation location, AutoencoderKl vae, IVocoder? vocoder, MelConfig melConfig, ModelDescription description)
    {
        Location = location; Vae = vae; Vocoder = vocoder; MelConfig = melConfig; Description = description;
    }

    /// <summary>Where the files were found (a local folder or the hub cache snapshot).</summary>
    public ModelLocation Location { get; }
    public AutoencoderKl Vae { get; }
    public IVocoder? Vocoder { get; }
    public MelConfig MelConfig { get; }
    public ModelDescription Description { get; }

    /// <summary>Resolves <paramref name="spec"/> (folder, hub id or alias; may download) and loads the parts asked for.</summary>
    public static LoadedModel Load(string spec, ModelParts parts, SessionSettings? settings = null)
    {
        var location = ModelResolver.Resolve(spec, parts);
        var vae = AutoencoderKl.Load(location, settings);
        IVocoder? vocoder = null;
        try
        {
            if (parts.HasFlag(ModelParts.Vocoder)) vocoder = HifiGanVocoder.Load(location, settings);
            var mel = MelConfigFor(spec, location, vocoder?.SampleRate);
            return new LoadedModel(location, vae, vocoder, mel, new ModelDescription(location.Id, location.Revision, vae.Config.ScalingFactor));
        }
        catch
        {
            vae.Dispose();
            vocoder?.Dispose();
            throw;
        }
    }

    /// <summary>The known table decides for hub models; a local folder goes by its vocoder's rate (16 kHz without one).</summary>
    public static MelConfig MelConfigFor(string spec, ModelLocation location, int? vocoderRate)
    {
        var known = KnownModels.Find(location.Id) ?? KnownModels.Find(spec.Split('@')[0]);
        if (known is not null) return known.MelConfig == KnownModels.Mel48k ? MelConfig.AudioLdm48k : MelConfig.AudioLdm16k;
        return vocoderRate == 48000 ? MelConfig.AudioLdm48k : MelConfig.AudioLdm16k;
    }

    public void Dispose()
    {
        Vae.Dispose();
        Vocoder?.Dispose();
    }
}
