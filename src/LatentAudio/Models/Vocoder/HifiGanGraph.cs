using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vae;

namespace LatentAudio.Models.Vocoder;

/// <summary>
/// transformers' SpeechT5HifiGan.forward as an ONNX graph (v4.40.2 models/speecht5/modeling_speecht5.py,
/// HifiGanResidualBlock and SpeechT5HifiGan): log-mel [B, T, mels] -> waveform [B, hop*T + extra].
/// </summary>
public static class HifiGanGraph
{
    public const string MelInput = "mel", WaveformOutput = "waveform";

    /// <summary>torch.nn.functional.leaky_relu's default slope, used before conv_post (not the config's slope).</summary>
    public const float FinalLeakySlope = 0.01f;

    public static BuiltGraph Build(VocoderConfig c, IWeights w, int? trackFrames = null, IReadOnlyList<string>? extraOutputs = null)
    {
        var b = new GraphBuilder("hifigan_vocoder");
        bool track = trackFrames is not null;
        var x = b.Input(MelInput, Dim.Dynamic("batch", track ? 1 : -1), Dim.Dynamic("frames", track ? trackFrames!.Value : -1), Dim.Fixed(c.ModelInDim));
        var h = x;
        if (c.NormalizeBefore)
            h = b.Div("normalized", b.Sub("centered", h, b.Param(w, "mean")), b.Param(w, "scale"));
        h = b.Transpose("channels_first", h, 0, 2, 1);
        h = Conv(b, w, "conv_pre", h, dilation: 1);
        float slope = (float)c.LeakyReluSlope;
        int kernels = c.ResblockKernelSizes.Length;
        for (int i = 0; i < c.UpsampleRates.Length; i++)
        {
            h = b.LeakyRelu($"upsampler.{i}.act", h, slope);
            int k = c.UpsampleKernelSizes[i], u = c.UpsampleRates[i];
            h = b.ConvTranspose1d($"upsampler.{i}", h, b.Param(w, $"upsampler.{i}.weight"), b.Param(w, $"upsampler.{i}.bias"), u, (k - u) / 2);
            var branches = new string[kernels];
            for (int j = 0; j < kernels; j++)
                branches[j] = ResBlock(b, w, $"resblocks.{i * kernels + j}", h, c.ResblockDilationSizes[j], slope);
            // The stage output is the mean of the multi-receptive-field blocks: their sum divided by their count.
            h = b.Div($"stage.{i}", kernels == 1 ? branches[0] : b.Sum($"stage.{i}.sum", branches), b.Scalar($"stage.{i}.count", kernels));
        }
        h = b.LeakyRelu("conv_post.act", h, FinalLeakySlope);
        h = b.Identity("conv_post", Conv(b, w, "conv_post.conv", h, 1, "conv_post"));
        var wave = b.Reshape(WaveformOutput, b.Tanh("tanh", h), 0, -1);
        b.Output(wave, Dim.Dynamic("batch"), Dim.Dynamic("samples"));
        foreach (var extra in extraOutputs ?? []) b.Output(extra);
        return new BuiltGraph(b.ToModel(), b.Flops, [MelInput], [WaveformOutput]);
    }

    /// <summary>HifiGanResidualBlock: per dilation d, x += conv2(leaky(conv1_d(leaky(x)))).</summary>
    private static string ResBlock(GraphBuilder b, IWeights w, string name, string x, int[] dilations, float slope)
    {
        for (int d = 0; d < dilations.Length; d++)
        {
            var h = Conv(b, w, $"{name}.convs1.{d}", b.LeakyRelu($"{name}.{d}.act1", x, slope), dilations[d]);
            h = Conv(b, w, $"{name}.convs2.{d}", b.LeakyRelu($"{name}.{d}.act2", h, slope), 1);
            x = b.Add($"{name}.{d}", h, x);
        }
        return b.Identity(name, x);
    }

    /// <summary>Conv1d with "same" padding (k*d - d)/2 (transformers get_padding).</summary>
    private static string Conv(GraphBuilder b, IWeights w, string output, string x, int dilation, string? weights = null)
    {
        weights ??= output;
        int k = w.Shape(weights + ".weight")[2];
        return b.Conv(output, x, b.Param(w, weights + ".weight"), b.Param(w, weights + ".bias"), [(k * dilation - dilation) / 2], 1, dilation);
    }
}
