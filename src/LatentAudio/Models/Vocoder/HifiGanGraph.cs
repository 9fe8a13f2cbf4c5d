using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vae;

namespace LatentAudio.Models.Vocoder;

/// <summary>
/// How <see cref="HifiGanGraph"/> lays out its convolutions; both forms compute the same function.
/// </summary>
/// <param name="Rows">
/// Each Conv1d / ConvTranspose1d as a 2-d one of height 1 (activations [B, C, 1, T], kernels [.., .., 1, k]). ONNX
/// Runtime's NCHWc layout transformer (level "all") takes only 2-d convolutions: in this form it runs every Conv in
/// channel blocks of 8 with a LeakyRelu that follows it fused in, which took 10-13 % less CPU time on the full-size
/// vocoder than the 1-d form's im2col + GEMM when the two ran alternately in one process, 7-9 % relative to the
/// unchanged VAE in bench-models (CHANGELOG 2026-12-05, "Faster vocoder"; a loaded machine). The residual
/// stream stays in plain layout: the transformer has no standalone LeakyRelu (only Relu, Sigmoid, Tanh;
/// onnxruntime/core/optimizer/nchwc_transformer.cc), so each block's pre-activation is reordered out and back
/// (about 2 % of the kernel time in ORT's profile). ConvTranspose is not blocked either.
/// </param>
public readonly record struct HifiGanForm(bool Rows)
{
    /// <summary>transformers' operators one to one: Conv1d and ConvTranspose1d on [B, C, T].</summary>
    public static HifiGanForm Reference => new(false);
    /// <summary>What every command builds.</summary>
    public static HifiGanForm Fast => new(true);
}

/// <summary>
/// transformers' SpeechT5HifiGan.forward as an ONNX graph (v4.40.2 models/speecht5/modeling_speecht5.py,
/// HifiGanResidualBlock and SpeechT5HifiGan): log-mel [B, T, mels] -> waveform [B, hop*T + extra].
/// </summary>
public static class HifiGanGraph
{
    public const string MelInput = "mel", WaveformOutput = "waveform";

    /// <summary>torch.nn.functional.leaky_relu's default slope, used before conv_post (not the config's slope).</summary>
    public const float FinalLeakySlope = 0.01f;

    public static BuiltGraph Build(VocoderConfig c, IWeights w, int? trackFrames = null, IReadOnlyList<string>? extraOutputs = null) =>
        Build(c, w, HifiGanForm.Fast, trackFrames, extraOutputs);

    public static BuiltGraph Build(VocoderConfig c, IWeights w, HifiGanForm form, int? trackFrames = null, IReadOnlyList<string>? extraOutputs = null)
    {
        var b = new GraphBuilder("hifigan_vocoder");
        var g = new Layers(b, w, form);
        bool track = trackFrames is not null;
        var x = b.Input(MelInput, Dim.Dynamic("batch", track ? 1 : -1), Dim.Dynamic("frames", track ? trackFrames!.Value : -1), Dim.Fixed(c.ModelInDim));
        var h = x;
        if (c.NormalizeBefore)
            h = b.Div("normalized", b.Sub("centered", h, b.Param(w, "mean")), b.Param(w, "scale"));
        h = b.Transpose("channels_first", h, 0, 2, 1);
        if (form.Rows) h = b.Reshape("rows", h, 0, 0, 1, -1);
        h = g.Conv("conv_pre", h, dilation: 1);
        float slope = (float)c.LeakyReluSlope;
        int kernels = c.ResblockKernelSizes.Length;
        for (int i = 0; i < c.UpsampleRates.Length; i++)
        {
            h = b.LeakyRelu($"upsampler.{i}.act", h, slope);
            int k = c.UpsampleKernelSizes[i], u = c.UpsampleRates[i];
            h = g.ConvTranspose($"upsampler.{i}", h, u, (k - u) / 2);
            var branches = new string[kernels];
            for (int j = 0; j < kernels; j++)
                branches[j] = ResBlock(b, g, $"resblocks.{i * kernels + j}", h, c.ResblockDilationSizes[j], slope);
            // The stage output is the mean of the multi-receptive-field blocks: their sum divided by their count.
            h = b.Div($"stage.{i}", kernels == 1 ? branches[0] : b.Sum($"stage.{i}.sum", branches), b.Scalar($"stage.{i}.count", kernels));
        }
        h = b.LeakyRelu("conv_post.act", h, FinalLeakySlope);
        h = b.Identity("conv_post", g.Conv("conv_post.conv", h, 1, "conv_post"));
        var wave = b.Reshape(WaveformOutput, b.Tanh("tanh", h), 0, -1);
        b.Output(wave, Dim.Dynamic("batch"), Dim.Dynamic("samples"));
        foreach (var extra in extraOutputs ?? []) b.Output(extra);
        return new BuiltGraph(b.ToModel(), b.Flops, [MelInput], [WaveformOutput]);
    }

    /// <summary>HifiGanResidualBlock: per dilation d, x += conv2(leaky(conv1_d(leaky(x)))).</summary>
    private static string ResBlock(GraphBuilder b, Layers g, string name, string x, int[] dilations, float slope)
    {
        for (int d = 0; d < dilations.Length; d++)
        {
            var h = g.Conv($"{name}.convs1.{d}", b.LeakyRelu($"{name}.{d}.act1", x, slope), dilations[d]);
            h = g.Conv($"{name}.convs2.{d}", b.LeakyRelu($"{name}.{d}.act2", h, slope), 1);
            x = b.Add($"{name}.{d}", h, x);
        }
        return b.Identity(name, x);
    }

    /// <summary>The convolutions in the chosen <see cref="HifiGanForm"/>.</summary>
    private sealed class Layers(GraphBuilder b, IWeights w, HifiGanForm form)
    {
        /// <summary>Conv1d with "same" padding (k*d - d)/2 (transformers get_padding).</summary>
        public string Conv(string output, string x, int dilation, string? weights = null)
        {
            weights ??= output;
            var shape = w.Shape(weights + ".weight");
            int k = shape[2];
            long pad = (k * dilation - dilation) / 2;
            if (!form.Rows)
                return b.Conv(output, x, b.Param(w, weights + ".weight"), b.Param(w, weights + ".bias"), [pad], 1, dilation);
            var weight = b.Initializer(weights + ".weight", w.Bytes(weights + ".weight"), shape[0], shape[1], 1, k);
            return b.ConvNd(output, x, weight, b.Param(w, weights + ".bias"), [0, pad, 0, pad], [1, 1], [1, dilation]);
        }

        /// <summary>ConvTranspose1d(stride, padding) of upsampler weights [Cin, Cout, k].</summary>
        public string ConvTranspose(string output, string x, long stride, long pad)
        {
            var shape = w.Shape(output + ".weight");
            var bias = b.Param(w, output + ".bias");
            if (!form.Rows)
                return b.ConvTranspose1d(output, x, b.Param(w, output + ".weight"), bias, stride, pad);
            var weight = b.Initializer(output + ".weight", w.Bytes(output + ".weight"), shape[0], shape[1], 1, shape[2]);
            return b.ConvTransposeNd(output, x, weight, bias, [1, stride], [0, pad]);
        }
    }
}
