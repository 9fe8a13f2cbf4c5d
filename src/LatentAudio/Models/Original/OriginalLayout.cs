using System.Globalization;
using LatentAudio.Models.Config;

namespace LatentAudio.Models.Original;

/// <summary>
/// The VAE and vocoder configs of an original AudioLDM/AudioLDM2 checkpoint (a LatentDiffusion state dict), read
/// from the shapes of its <c>first_stage_model.*</c> tensors, and the check that every tensor has the shape those
/// configs imply (as config.json is checked against a diffusers folder). Widths and depths come from the tensors;
/// what the tensors cannot tell (rates, dilations, mel front-end) comes from the <see cref="OriginalFamily"/>.
/// </summary>
public sealed record OriginalLayout(OriginalFamily Family, VaeConfig Vae, VocoderConfig Vocoder)
{
    public const string Prefix = "first_stage_model.";
    public const string VocoderPrefix = Prefix + "vocoder.";
    /// <summary>LatentDiffusion's scale_by_std buffer (audioldm2/latent_diffusion/models/ddpm.py L671 @b5786c5).</summary>
    public const string ScaleFactorKey = "scale_factor";
    /// <summary>model.py Normalize: GroupNorm(num_groups=32, eps=1e-6) everywhere in the VAE (@b5786c5 L38-41).</summary>
    public const int NormGroups = 32;

    /// <summary>Whether a state-dict key belongs to what LatentAudio reads (VAE, vocoder, latent scale).</summary>
    public static bool IsNeeded(string key) => key.StartsWith(Prefix, StringComparison.Ordinal) || key == ScaleFactorKey;

    /// <summary>Reads the configs from the tensor shapes of <paramref name="path"/>; <paramref name="scaleFactor"/> is the stored scale_factor, if any.</summary>
    public static OriginalLayout Infer(string path, IReadOnlyDictionary<string, int[]> shapes, double? scaleFactor = null)
    {
        int[] Need(string key) => shapes.TryGetValue(key, out var s) ? s
            : throw InvalidInputException.ForFile(path, $"is not an AudioLDM checkpoint: it has no {key}");
        int Count(string prefix) => shapes.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..].Split('.')[0]).Distinct().Count();

        int levels = Count(Prefix + "encoder.down.");
        if (levels == 0) Need(Prefix + "encoder.down.0.block.0.conv1.weight");
        var widths = Enumerable.Range(0, levels).Select(i => Need($"{Prefix}encoder.down.{i}.block.0.conv1.weight")[0]).ToArray();
        var postQuant = Need(Prefix + "post_quant_conv.weight");
        var vae = new VaeConfig(
            InChannels: Need(Prefix + "encoder.conv_in.weight")[1],
            OutChannels: Need(Prefix + "decoder.conv_out.weight")[0],
            BlockOutChannels: widths,
            LayersPerBlock: Count(Prefix + "encoder.down.0.block."),
            LatentChannels: postQuant[1],
            NormNumGroups: NormGroups,
            ActFn: "silu",
            ScalingFactor: scaleFactor ?? 1.0,
            MidBlockAddAttention: shapes.ContainsKey(Prefix + "encoder.mid.attn_1.q.weight"),
            UseQuantConv: true,
            UsePostQuantConv: true,
            ForceUpcast: true,
            SampleSize: 256);

        var convPre = Need(VocoderPrefix + "conv_pre.weight");
        var family = OriginalFamily.ForMelBins(convPre[1]);
        var vocoder = new VocoderConfig(
            ModelInDim: convPre[1],
            SamplingRate: family.Mel.SampleRate,
            UpsampleInitialChannel: convPre[0],
            // Copies: the config is the caller's, the family's arrays are shared.
            UpsampleRates: [.. family.UpsampleRates],
            UpsampleKernelSizes: [.. family.UpsampleKernelSizes],
            ResblockKernelSizes: [.. family.ResblockKernelSizes],
            ResblockDilationSizes: family.ResblockDilationSizes.Select(d => d.ToArray()).ToArray(),
            LeakyReluSlope: 0.1, // hifigan/models.py LRELU_SLOPE
            NormalizeBefore: false);
        var layout = new OriginalLayout(family, vae, vocoder);
        layout.Validate(path, shapes);
        return layout;
    }

    /// <summary>Every first_stage_model tensor against the configs: missing, unexpected and mis-shaped ones, all at once.</summary>
    public void Validate(string path, IReadOnlyDictionary<string, int[]> shapes)
    {
        var expected = new List<TensorSpec>(new OriginalVaeNames(Vae.BlockOutChannels.Length).Expected(Vae, Prefix));
        expected.AddRange(OriginalVocoderNames.Expected(Vocoder, VocoderPrefix));
        var mine = shapes.Where(kv => kv.Key.StartsWith(Prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        WeightCheck.Validate(path, mine, expected, $"the {Family.Name} AudioLDM layout");
    }

    /// <summary>A one-line description, e.g. "48 kHz: VAE [128, 256, 512, 1024] z16, HiFi-GAN 1536 ch, 256 mels".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Family.Name}: VAE [{string.Join(", ", Vae.BlockOutChannels)}] z{Vae.LatentChannels}, HiFi-GAN {Vocoder.UpsampleInitialChannel} ch, {Vocoder.ModelInDim} mels");
}
