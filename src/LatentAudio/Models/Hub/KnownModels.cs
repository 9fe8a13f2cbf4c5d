using LatentAudio.Dsp;

namespace LatentAudio.Models.Hub;

/// <summary>
/// What we know about one published model before downloading anything. Values not confirmed from the repo's own
/// <c>vae/config.json</c> are null; the downloaded config is always the authority.
/// </summary>
public sealed record KnownModel(
    /// <summary>Hub id, <c>org/name</c>.</summary>
    string Id,
    /// <summary>Short CLI name.</summary>
    string Alias,
    /// <summary>The log-mel front-end the model was trained with.</summary>
    MelConfig MelConfig,
    /// <summary>The VAE's <c>scaling_factor</c>; null where not confirmed.</summary>
    double? ScalingFactor,
    string Description,
    /// <summary>
    /// The repo's original-format checkpoint (a whole LatentDiffusion .pth) for a model that has no diffusers layout;
    /// null for diffusers repos.
    /// </summary>
    string? CheckpointFile = null)
{
    public int SampleRate => MelConfig.SampleRate;
}

/// <summary>
/// The one table of known model ids and their aliases. Facts from shared/notes/audioldm2-pipeline.md §2 (variants:
/// every diffusers-converted AudioLDM/AudioLDM2/MusicLDM repo uses the 16 kHz, 64-mel front-end) and §3.3 (scaling
/// factors read from each repo's vae/config.json).
/// </summary>
public static class KnownModels
{
    private static MelConfig Mel16k => MelConfig.AudioLdm16k;

    public static IReadOnlyList<KnownModel> All { get; } =
    [
        new("cvssp/audioldm2", "audioldm2", Mel16k, 0.4110932946205139, "AudioLDM2 (general audio)"),
        new("cvssp/audioldm2-large", "audioldm2-large", Mel16k, null, "AudioLDM2 large UNet"),
        new("cvssp/audioldm2-music", "audioldm2-music", Mel16k, 0.4110932946205139, "AudioLDM2 music"),
        new("anhnct/audioldm2_gigaspeech", "audioldm2-gigaspeech", Mel16k, null, "AudioLDM2 speech (GigaSpeech, community)"),
        new("anhnct/audioldm2_ljspeech", "audioldm2-ljspeech", Mel16k, null, "AudioLDM2 speech (LJSpeech, community)"),
        new("cvssp/audioldm", "audioldm", Mel16k, 0.9227914214134216, "AudioLDM 1 (s-full)"),
        new("cvssp/audioldm-s-full-v2", "audioldm-s-full-v2", Mel16k, 0.9392935633659363, "AudioLDM 1 small v2"),
        new("cvssp/audioldm-m-full", "audioldm-m-full", Mel16k, 0.9138255715370178, "AudioLDM 1 medium"),
        new("cvssp/audioldm-l-full", "audioldm-l-full", Mel16k, 0.9654927849769592, "AudioLDM 1 large"),
        new("ucsd-reach/musicldm", "musicldm", Mel16k, 1.075324296951294, "MusicLDM"),
        // haoheliu/AudioLDM2@b5786c5 audioldm2/utils.py get_audioldm_48k_config; the hub repo holds only the .pth
        // (diffusers never converted it). Its scale_factor is read from the checkpoint.
        new("haoheliu/audioldm_48k", "audioldm-48k", MelConfig.AudioLdm48k, null, "AudioLDM 48 kHz (original checkpoint)", "audioldm_48k.pth"),
    ];

    /// <summary>The entry whose alias or id equals <paramref name="name"/> (case-insensitive), or null.</summary>
    public static KnownModel? Find(string name) =>
        All.FirstOrDefault(m => string.Equals(m.Alias, name, StringComparison.OrdinalIgnoreCase))
        ?? All.FirstOrDefault(m => string.Equals(m.Id, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>"audioldm2, audioldm2-large, ..." for help and error texts.</summary>
    public static string AliasList => string.Join(", ", All.Select(m => m.Alias));
}
