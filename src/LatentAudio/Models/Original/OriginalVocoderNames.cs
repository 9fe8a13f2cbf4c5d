using LatentAudio.Models.Config;

namespace LatentAudio.Models.Original;

/// <summary>
/// The names the HiFi-GAN graph builder uses (transformers SpeechT5HifiGan) in the original AudioLDM2 vocoder
/// (haoheliu/AudioLDM2@b5786c5 audioldm2/hifigan/models.py Generator, built by audioldm2/utilities/model.py get_vocoder
/// for 64 and 256 mel bins alike, with weight norm removed, as AutoencoderKL.vocoder): only the upsamplers differ
/// (ups.{i} = upsampler.{i}); the original has no mean/scale buffers (no input normalisation).
/// </summary>
public static class OriginalVocoderNames
{
    public static string ToOriginal(string name) =>
        name.StartsWith("upsampler.", StringComparison.Ordinal) ? "ups." + name["upsampler.".Length..] : name;

    /// <summary>Every tensor the config implies, under its original name.</summary>
    public static IReadOnlyList<TensorSpec> Expected(VocoderConfig config, string prefix) =>
        ExpectedTensors.ForVocoder(config)
            .Where(s => s.Name is not ("mean" or "scale"))
            .Select(s => new TensorSpec(prefix + ToOriginal(s.Name), s.Shape)).ToList();
}
