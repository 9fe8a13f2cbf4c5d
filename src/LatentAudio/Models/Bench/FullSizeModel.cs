using LatentAudio.Models.Config;
using LatentAudio.Models.Safetensors;
using LatentAudio.Models.Vae;
using LatentAudio.Models.Vocoder;

namespace LatentAudio.Models.Bench;

/// <summary>A full-size architecture to benchmark: its name and the vae/ and vocoder/ config.json it is written with.</summary>
public sealed record FullSizeArchitecture(string Name, string VaeConfigJson, string VocoderConfigJson)
{
    /// <summary>cvssp/audioldm2 (16 kHz, 64 mels).</summary>
    public static FullSizeArchitecture AudioLdm2 { get; } = new("random full-size cvssp/audioldm2 architecture",
        FullSizeModel.VaeConfigJson, FullSizeModel.VocoderConfigJson);

    /// <summary>haoheliu/audioldm_48k (48 kHz, 256 mels), in the diffusers/transformers config format.</summary>
    public static FullSizeArchitecture AudioLdm48k { get; } = new("random full-size audioldm_48k architecture",
        FullSizeModel.VaeConfigJson48k, FullSizeModel.VocoderConfigJson48k);

    /// <summary>"16k" or "48k"; null for an unknown name.</summary>
    public static FullSizeArchitecture? Find(string family) => family switch
    {
        "16k" => AudioLdm2,
        "48k" => AudioLdm48k,
        _ => null,
    };
}

/// <summary>
/// The real cvssp/audioldm2 architecture (its vae/ and vocoder/ config.json, verbatim content) and the 48 kHz
/// audioldm_48k one, with random weights: speed does not depend on the values, and the real weights need the network.
/// </summary>
public static class FullSizeModel
{
    /// <summary>huggingface.co/cvssp/audioldm2 vae/config.json (commit efd334c).</summary>
    public const string VaeConfigJson = """
        {
          "_class_name": "AutoencoderKL",
          "_diffusers_version": "0.20.0.dev0",
          "act_fn": "silu",
          "block_out_channels": [128, 256, 512],
          "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
          "force_upcast": true,
          "in_channels": 1,
          "latent_channels": 8,
          "layers_per_block": 2,
          "norm_num_groups": 32,
          "out_channels": 1,
          "sample_size": 1024,
          "scaling_factor": 0.4110932946205139,
          "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]
        }
        """;

    /// <summary>cvssp/audioldm2@c8e7e189 vocoder/config.json.</summary>
    public const string VocoderConfigJson = """
        {
          "architectures": ["SpeechT5HifiGan"],
          "initializer_range": 0.01,
          "leaky_relu_slope": 0.1,
          "model_in_dim": 64,
          "model_type": "hifigan",
          "normalize_before": false,
          "resblock_dilation_sizes": [[1, 3, 5], [1, 3, 5], [1, 3, 5]],
          "resblock_kernel_sizes": [3, 7, 11],
          "sampling_rate": 16000,
          "torch_dtype": "float32",
          "transformers_version": "4.32.0.dev0",
          "upsample_initial_channel": 1024,
          "upsample_kernel_sizes": [16, 16, 8, 4, 4],
          "upsample_rates": [5, 4, 2, 2, 2]
        }
        """;

    /// <summary><see cref="VaeConfigJson"/> as <see cref="VaeConfig.Load"/> reads it (diffusers' defaults for the absent keys;
    /// BenchModelsTests checks the two agree).</summary>
    public static VaeConfig Vae => new(InChannels: 1, OutChannels: 1, BlockOutChannels: [128, 256, 512], LayersPerBlock: 2, LatentChannels: 8,
        NormNumGroups: 32, ActFn: "silu", ScalingFactor: 0.4110932946205139, MidBlockAddAttention: true, UseQuantConv: true,
        UsePostQuantConv: true, ForceUpcast: true, SampleSize: 1024);

    /// <summary><see cref="VocoderConfigJson"/> as <see cref="VocoderConfig.Load"/> reads it.</summary>
    public static VocoderConfig Vocoder => new(ModelInDim: 64, SamplingRate: 16000, UpsampleInitialChannel: 1024, UpsampleRates: [5, 4, 2, 2, 2],
        UpsampleKernelSizes: [16, 16, 8, 4, 4], ResblockKernelSizes: [3, 7, 11], ResblockDilationSizes: [[1, 3, 5], [1, 3, 5], [1, 3, 5]],
        LeakyReluSlope: 0.1, NormalizeBefore: false);

    /// <summary>
    /// Null when <paramref name="vae"/> and <paramref name="vocoder"/> are the full-size configs, else which settings differ
    /// (e.g. "VAE BlockOutChannels, LayersPerBlock; vocoder UpsampleInitialChannel"). Every public property counts,
    /// arrays by content (the records' own equality compares arrays by reference).
    /// </summary>
    public static string? Difference(VaeConfig vae, VocoderConfig vocoder)
    {
        var parts = new[] { ("VAE", Differences(vae, Vae)), ("vocoder", Differences(vocoder, Vocoder)) }
            .Where(p => p.Item2.Count > 0).Select(p => $"{p.Item1} {string.Join(", ", p.Item2)}").ToList();
        return parts.Count == 0 ? null : string.Join("; ", parts) + " differ";
    }

    private static List<string> Differences<T>(T actual, T expected) =>
        typeof(T).GetProperties().Where(p => p.GetIndexParameters().Length == 0 && !Same(p.GetValue(actual), p.GetValue(expected)))
            .Select(p => p.Name).ToList();

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (System.Collections.IEnumerable x, System.Collections.IEnumerable y) when a is not string =>
            x.Cast<object?>().Count() == y.Cast<object?>().Count() && x.Cast<object?>().Zip(y.Cast<object?>()).All(p => Same(p.First, p.Second)),
        _ => Equals(a, b),
    };
    /// <summary>
    /// audioldm_48k's VAE as a diffusers config: haoheliu/AudioLDM2@b5786c5 audioldm2/utils.py get_audioldm_48k_config
    /// (ddconfig ch 128, ch_mult [1,2,4,8], num_res_blocks 2, z_channels 16, embed_dim 16, attn_resolutions [] —
    /// the mid block keeps its attention, as the original Encoder/Decoder always build mid.attn_1). No scaling
    /// factor is known without the released checkpoint's scale_factor; 1.0 does not change the speed.
    /// </summary>
    public const string VaeConfigJson48k = """
        {
          "_class_name": "AutoencoderKL",
          "act_fn": "silu",
          "block_out_channels": [128, 256, 512, 1024],
          "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
          "force_upcast": true,
          "in_channels": 1,
          "latent_channels": 16,
          "layers_per_block": 2,
          "norm_num_groups": 32,
          "out_channels": 1,
          "sample_size": 1024,
          "scaling_factor": 1.0,
          "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]
        }
        """;

    /// <summary>audioldm_48k's HiFi-GAN as a transformers config: haoheliu/AudioLDM2@b5786c5
    /// audioldm2/utilities/model.py get_vocoder_config_48k (256 mels, 1536 channels, rates [6,5,4,2,2]).</summary>
    public const string VocoderConfigJson48k = """
        {
          "architectures": ["SpeechT5HifiGan"],
          "leaky_relu_slope": 0.1,
          "model_in_dim": 256,
          "model_type": "hifigan",
          "normalize_before": false,
          "resblock_dilation_sizes": [[1, 3, 5], [1, 3, 5], [1, 3, 5], [1, 3, 5]],
          "resblock_kernel_sizes": [3, 7, 11, 15],
          "sampling_rate": 48000,
          "upsample_initial_channel": 1536,
          "upsample_kernel_sizes": [12, 10, 8, 4, 4],
          "upsample_rates": [6, 5, 4, 2, 2]
        }
        """;

    /// <summary>Writes vae/ and vocoder/ (config.json + random float32 safetensors, about 443 MB) and the random-weights marker under <paramref name="root"/>.</summary>
    public static void WriteRandom(string root, int seed = 0) => WriteRandom(root, FullSizeArchitecture.AudioLdm2, seed);

    /// <summary>Writes <paramref name="architecture"/>'s vae/ and vocoder/ with random float32 weights (about 1.66 GB for
    /// the 48 kHz one) and the random-weights marker under <paramref name="root"/>.</summary>
    public static void WriteRandom(string root, FullSizeArchitecture architecture, int seed = 0)
    {
        var rng = new Random(seed);
        var vaeDir = Path.Combine(root, "vae");
        var vocDir = Path.Combine(root, "vocoder");
        Directory.CreateDirectory(vaeDir);
        Directory.CreateDirectory(vocDir);
        File.WriteAllText(Path.Combine(vaeDir, "config.json"), architecture.VaeConfigJson);
        File.WriteAllText(Path.Combine(vocDir, "config.json"), architecture.VocoderConfigJson);
        // Marked as random weights, so every command run on a kept folder says so (AudioLdmModel.RandomWeightsMarker).
        File.WriteAllText(Path.Combine(root, AudioLdm.AudioLdmModel.RandomWeightsMarker), architecture.Name + " (bench-models)\n");
        var vae = VaeConfig.Load(Path.Combine(vaeDir, "config.json"));
        var voc = VocoderConfig.Load(Path.Combine(vocDir, "config.json"));
        SafetensorsWriter.Write(Path.Combine(vaeDir, AutoencoderKl.WeightsFile), ExpectedTensors.ForVae(vae).Select(t => Random(t, rng)));
        SafetensorsWriter.Write(Path.Combine(vocDir, HifiGanVocoder.WeightsFile), ExpectedTensors.ForVocoder(voc).Select(t => Random(t, rng)));
    }

    /// <summary>PyTorch-like initialisation: weights U(-1, 1)/sqrt(fan_in), norm scales 1, biases 0, vocoder scale 1.</summary>
    private static (string, int[], float[]) Random(TensorSpec t, Random rng)
    {
        long n = t.Shape.Aggregate(1L, (a, b) => a * b);
        var values = new float[n];
        bool isNormScale = t.Shape.Length == 1 && (t.Name.Contains("norm") || t.Name == "scale");
        if (isNormScale) Array.Fill(values, 1f);
        else if (t.Shape.Length > 1)
        {
            long fanIn = n / t.Shape[0];
            float bound = (float)(1.0 / Math.Sqrt(fanIn));
            for (long i = 0; i < n; i++) values[i] = (float)(rng.NextDouble() * 2 - 1) * bound;
        }
        return (t.Name, t.Shape, values);
    }
}
