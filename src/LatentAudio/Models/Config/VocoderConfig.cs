namespace LatentAudio.Models.Config;

/// <summary>
/// A transformers <c>SpeechT5HifiGan</c> config.json (transformers v4.40.2
/// src/transformers/models/speecht5/configuration_speecht5.py, SpeechT5HifiGanConfig). The class defaults
/// (80 mels, 512 channels) are not AudioLDM's, so the structural keys are required.
/// </summary>
public sealed record VocoderConfig(
    int ModelInDim,
    int SamplingRate,
    int UpsampleInitialChannel,
    int[] UpsampleRates,
    int[] UpsampleKernelSizes,
    int[] ResblockKernelSizes,
    int[][] ResblockDilationSizes,
    double LeakyReluSlope,
    bool NormalizeBefore)
{
    public const string ClassName = "SpeechT5HifiGan";

    /// <summary>Output samples per mel frame: the product of the upsample rates (160 for AudioLDM2).</summary>
    public int HopLength => UpsampleRates.Aggregate(1, (a, b) => a * b);

    public static VocoderConfig Load(string path)
    {
        var c = ConfigJson.Load(path);
        var arch = c.Has("architectures") ? c.Strings("architectures") : [];
        if (arch.Length > 0 && !arch.Contains(ClassName)) throw c.Error($"unsupported vocoder architecture '{string.Join(", ", arch)}' (expected {ClassName})");
        var type = c.String("model_type");
        if (type is not null && type != "hifigan") throw c.Error($"unsupported vocoder model_type '{type}' (expected hifigan)");
        var cfg = new VocoderConfig(
            ModelInDim: c.Int("model_in_dim"),
            SamplingRate: c.Int("sampling_rate"),
            UpsampleInitialChannel: c.Int("upsample_initial_channel"),
            UpsampleRates: c.Ints("upsample_rates"),
            UpsampleKernelSizes: c.Ints("upsample_kernel_sizes"),
            ResblockKernelSizes: c.Ints("resblock_kernel_sizes"),
            ResblockDilationSizes: c.IntLists("resblock_dilation_sizes"),
            LeakyReluSlope: c.Double("leaky_relu_slope", 0.1),
            NormalizeBefore: c.Bool("normalize_before", true));
        if (cfg.ModelInDim <= 0 || cfg.SamplingRate <= 0 || cfg.UpsampleInitialChannel <= 0) throw c.Error("model_in_dim, sampling_rate and upsample_initial_channel must be positive");
        if (cfg.UpsampleRates.Length == 0 || cfg.UpsampleRates.Length != cfg.UpsampleKernelSizes.Length)
            throw c.Error("upsample_rates and upsample_kernel_sizes must be non-empty and of equal length");
        if (cfg.UpsampleRates.Zip(cfg.UpsampleKernelSizes).Any(p => p.First <= 0 || p.Second < p.First))
            throw c.Error("each upsample kernel size must be at least its rate");
        if (cfg.UpsampleInitialChannel >> cfg.UpsampleRates.Length == 0) throw c.Error("upsample_initial_channel is too small for that many upsample stages");
        if (cfg.ResblockKernelSizes.Length == 0 || cfg.ResblockKernelSizes.Length != cfg.ResblockDilationSizes.Length)
            throw c.Error("resblock_kernel_sizes and resblock_dilation_sizes must be non-empty and of equal length");
        if (cfg.ResblockKernelSizes.Any(k => k <= 0 || k % 2 == 0) || cfg.ResblockDilationSizes.Any(d => d.Length == 0 || d.Any(x => x <= 0)))
            throw c.Error("resblock kernel sizes must be odd and dilations positive");
        return cfg;
    }
}
