using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;
using Onnx;

namespace LatentAudio.Models.Vae;

/// <summary>A built network: the ONNX model and the FLOPs of one run at the tracked size (0 when untracked).</summary>
public sealed record BuiltGraph(ModelProto Model, double Flops, string[] Inputs, string[] Outputs);

/// <summary>
/// AutoencoderKL.encode / .decode as ONNX graphs (diffusers v0.31.0 models/autoencoders/vae.py Encoder, Decoder;
/// autoencoder_kl.py; DiagonalGaussianDistribution). Batch, time and mel axes are dynamic.
/// </summary>
public static class VaeGraphs
{
    public const string MelInput = "mel", MeanOutput = "mean", LogVarOutput = "logvar", LatentInput = "latent", MelOutput = "mel_out";

    /// <summary>Log-mel [B, in, T, F] -> posterior mean and clamped log-variance [B, latent, T/f, F/f].</summary>
    /// <param name="trackFrames">Mel frames to track shapes and count FLOPs for (benchmark); null for none.</param>
    public static BuiltGraph BuildEncoder(VaeConfig c, IWeights w, int? trackFrames = null, int trackBins = 64, IReadOnlyList<string>? extraOutputs = null)
    {
        var b = new GraphBuilder("vae_encoder");
        var blocks = new VaeBlocks(b, w, c);
        long t = trackFrames ?? -1, f = trackFrames is null ? -1 : trackBins;
        var x = b.Input(MelInput, Dim.Dynamic("batch", trackFrames is null ? -1 : 1), Dim.Fixed(c.InChannels), Dim.Dynamic("frames", t), Dim.Dynamic("mel_bins", f));
        var h = blocks.Conv("encoder.conv_in", x, 1);
        var ch = c.BlockOutChannels;
        int prev = ch[0];
        for (int i = 0; i < ch.Length; i++)
        {
            for (int j = 0; j < c.LayersPerBlock; j++)
            {
                h = blocks.Resnet($"encoder.down_blocks.{i}.resnets.{j}", h, j == 0 ? prev : ch[i], ch[i]);
            }
            if (i < ch.Length - 1) h = blocks.Downsample($"encoder.down_blocks.{i}.downsamplers.0", h);
            h = b.Identity($"encoder.down_blocks.{i}", h);
            prev = ch[i];
        }
        h = b.Identity("encoder.mid_block", blocks.Mid("encoder.mid_block", h, ch[^1]));
        h = blocks.Conv("encoder.conv_out", blocks.NormAct("encoder.conv_norm_out", h), 1);
        if (c.UseQuantConv) h = blocks.Conv("quant_conv", h, 0);
        var (mean, logvarRaw) = b.SplitHalves(MeanOutput, "logvar_unclamped", h, 1, c.LatentChannels);
        // DiagonalGaussianDistribution: torch.clamp(logvar, -30.0, 20.0).
        var logvar = b.Clip(LogVarOutput, logvarRaw, -30f, 20f);
        var latentDims = new[] { Dim.Dynamic("batch"), Dim.Fixed(c.LatentChannels), Dim.Dynamic("latent_frames"), Dim.Dynamic("latent_bins") };
        b.Output(mean, latentDims);
        b.Output(logvar, latentDims);
        foreach (var extra in extraOutputs ?? []) b.Output(extra);
        return new BuiltGraph(b.ToModel(), b.Flops, [MelInput], [MeanOutput, LogVarOutput]);
    }

    /// <summary>Latent [B, latent, t, f] -> log-mel [B, out, t*f', f*f'] (f' = 2^(blocks-1)).</summary>
    public static BuiltGraph BuildDecoder(VaeConfig c, IWeights w, int? trackFrames = null, int trackBins = 64, IReadOnlyList<string>? extraOutputs = null)
    {
        var b = new GraphBuilder("vae_decoder");
        var blocks = new VaeBlocks(b, w, c);
        bool track = trackFrames is not null;
        var z = b.Input(LatentInput, Dim.Dynamic("batch", track ? 1 : -1), Dim.Fixed(c.LatentChannels),
            Dim.Dynamic("latent_frames", track ? trackFrames!.Value / c.Downsample : -1), Dim.Dynamic("latent_bins", track ? trackBins / c.Downsample : -1));
        var h = z;
        if (c.UsePostQuantConv) h = blocks.Conv("post_quant_conv", h, 0);
        var ch = c.BlockOutChannels;
        h = blocks.Conv("decoder.conv_in", h, 1);
        h = b.Identity("decoder.mid_block", blocks.Mid("decoder.mid_block", h, ch[^1]));
        int prev = ch[^1];
        for (int i = 0; i < ch.Length; i++)
        {
            int outCh = ch[ch.Length - 1 - i];
            for (int j = 0; j < c.LayersPerBlock + 1; j++)
                h = blocks.Resnet($"decoder.up_blocks.{i}.resnets.{j}", h, j == 0 ? prev : outCh, outCh);
            if (i < ch.Length - 1) h = blocks.Upsample($"decoder.up_blocks.{i}.upsamplers.0", h);
            h = b.Identity($"decoder.up_blocks.{i}", h);
            prev = outCh;
        }
        h = blocks.Conv("decoder.conv_out", blocks.NormAct("decoder.conv_norm_out", h), 1);
        var output = b.Identity(MelOutput, h);
        b.Output(output, Dim.Dynamic("batch"), Dim.Fixed(c.OutChannels), Dim.Dynamic("frames"), Dim.Dynamic("mel_bins"));
        foreach (var extra in extraOutputs ?? []) b.Output(extra);
        return new BuiltGraph(b.ToModel(), b.Flops, [LatentInput], [MelOutput]);
    }
}
