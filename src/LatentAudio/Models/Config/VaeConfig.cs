namespace LatentAudio.Models.Config;

/// <summary>
/// A diffusers <c>AutoencoderKL</c> config.json (diffusers v0.31.0 src/diffusers/models/autoencoders/autoencoder_kl.py,
/// constructor defaults). Keys newer than the 2023 AudioLDM2 checkpoint take diffusers' defaults.
/// </summary>
public sealed record VaeConfig(
    int InChannels,
    int OutChannels,
    int[] BlockOutChannels,
    int LayersPerBlock,
    int LatentChannels,
    int NormNumGroups,
    string ActFn,
    double ScalingFactor,
    bool MidBlockAddAttention,
    bool UseQuantConv,
    bool UsePostQuantConv,
    bool ForceUpcast,
    int SampleSize)
{
    public const string ClassName = "AutoencoderKL";
    public const string DownBlockType = "DownEncoderBlock2D";
    public const string UpBlockType = "UpDecoderBlock2D";

    /// <summary>diffusers' VAE scale factor: 2^(number of blocks - 1), one stride-2 downsample per block but the last.</summary>
    public int Downsample => 1 << (BlockOutChannels.Length - 1);

    public static VaeConfig Load(string path)
    {
        var c = ConfigJson.Load(path);
        var cls = c.String("_class_name");
        if (cls is not null && cls != ClassName) throw c.Error($"unsupported VAE class '{cls}' (expected {ClassName})");
        var blocks = c.Ints("block_out_channels", [64]);
        var down = c.Strings("down_block_types", [DownBlockType]);
        var up = c.Strings("up_block_types", [UpBlockType]);
        if (blocks.Length == 0 || blocks.Any(b => b <= 0)) throw c.Error("'block_out_channels' must be a non-empty list of positive integers");
        if (down.Length != blocks.Length || up.Length != blocks.Length)
            throw c.Error($"'down_block_types' ({down.Length}) and 'up_block_types' ({up.Length}) must have one entry per block_out_channels ({blocks.Length})");
        if (down.FirstOrDefault(t => t != DownBlockType) is { } badDown) throw c.Error($"unsupported down block type '{badDown}' (only {DownBlockType})");
        if (up.FirstOrDefault(t => t != UpBlockType) is { } badUp) throw c.Error($"unsupported up block type '{badUp}' (only {UpBlockType})");
        var act = c.String("act_fn") ?? "silu";
        if (act is not ("silu" or "swish")) throw c.Error($"unsupported act_fn '{act}' (only silu)");
        int groups = c.Int("norm_num_groups", 32);
        if (groups <= 0 || blocks.Any(b => b % groups != 0)) throw c.Error($"norm_num_groups {groups} must divide every block_out_channels entry");
        var cfg = new VaeConfig(
            InChannels: c.Int("in_channels", 3),
            OutChannels: c.Int("out_channels", 3),
            BlockOutChannels: blocks,
            LayersPerBlock: c.Int("layers_per_block", 1),
            LatentChannels: c.Int("latent_channels", 4),
            NormNumGroups: groups,
            ActFn: act,
            ScalingFactor: c.Double("scaling_factor", 0.18215),
            MidBlockAddAttention: c.Bool("mid_block_add_attention", true),
            UseQuantConv: c.Bool("use_quant_conv", true),
            UsePostQuantConv: c.Bool("use_post_quant_conv", true),
            ForceUpcast: c.Bool("force_upcast", true),
            SampleSize: c.Int("sample_size", 32));
        if (cfg.InChannels <= 0 || cfg.OutChannels <= 0 || cfg.LatentChannels <= 0 || cfg.LayersPerBlock <= 0)
            throw c.Error("in_channels, out_channels, latent_channels and layers_per_block must be positive");
        if (c.Has("latents_mean") || c.Has("shift_factor"))
            throw c.Error("latents_mean/latents_std/shift_factor are not supported (no AudioLDM VAE uses them)");
        return cfg;
    }
}
