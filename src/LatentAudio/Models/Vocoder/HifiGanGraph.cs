using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vae;

namespace LatentAudio.Models.Vocoder;

/// <summary>
/// How <see cref="HifiGanGraph"/> lays out its convolutions; every form computes the same function.
/// </summary>
/// <param name="Rows">Each 1-d convolution as a 2-d one of height 1 (activations [B, C, 1, T]).</param>
/// <param name="Polyphase">Each ConvTranspose1d as one ordinary convolution to stride x channels and an interleave.</param>
public readonly record struct HifiGanForm(bool Rows, bool Polyphase)
{
    /// <summary>transformers' operators one to one: Conv1d and ConvTranspose1d on [B, C, T].</summary>
    public static HifiGanForm Reference => new(false, false);
    public static HifiGanForm Fast => new(true, true);
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
            if (form.Polyphase) return Polyphase(output, x, shape, stride, pad);
            var bias = b.Param(w, output + ".bias");
            if (!form.Rows)
                return b.ConvTranspose1d(output, x, b.Param(w, output + ".weight"), bias, stride, pad);
            var weight = b.Initializer(output + ".weight", w.Bytes(output + ".weight"), shape[0], shape[1], 1, shape[2]);
            return b.ConvTransposeNd(output, x, weight, bias, [1, stride], [0, pad]);
        }

        /// <summary>
        /// ConvTranspose1d as its polyphase form. Without padding, output n = q*s + r (phase r &lt; s) is
        /// sum_t W[:, :, r + t*s]^T x[q - t]: an ordinary convolution per phase with taps r, r + s, ... reversed.
        /// One Conv computes all s phases as s*Cout channels (kernel ceil(k/s) taps, the missing ones zero, padded
        /// ceil(k/s)-1 on both sides to give every q), a reshape/transpose interleaves the phases, and a slice drops
        /// the padding's first and last samples. ONNX Runtime's ConvTranspose computes the same products (a GEMM then
        /// a col2im scatter); this form makes it an ordinary Conv that the NCHWc layout and its fusions reach.
        /// </summary>
        private string Polyphase(string output, string x, int[] shape, long s, long pad)
        {
            int cin = shape[0], cout = shape[1], k = shape[2];
            int taps = (int)((k + s - 1) / s);
            var src = w.Floats(output + ".weight");
            var kernel = new float[s * cout * cin * taps];
            for (int r = 0; r < s; r++)
                for (int co = 0; co < cout; co++)
                    for (int ci = 0; ci < cin; ci++)
                        for (int u = 0; u < taps; u++)
                        {
                            long j = r + (taps - 1 - u) * s;
                            if (j < k) kernel[(((long)r * cout + co) * cin + ci) * taps + u] = src[((long)ci * cout + co) * k + j];
                        }
            var biasSrc = w.Floats(output + ".bias");
            var bias = new float[s * cout];
            for (int r = 0; r < s; r++) Array.Copy(biasSrc, 0, bias, r * cout, cout);
            var xs = b.ShapeOf(x);
            double? counted = xs is null ? null : 2.0 * xs.Aggregate(1L, (p, d) => p * d) * cout * k;
            string conv;
            if (form.Rows)
            {
                var kw = b.Floats(output + ".polyphase.weight", kernel, s * cout, cin, 1, taps);
                conv = b.ConvNd(output + ".phases", x, kw, b.Floats(output + ".polyphase.bias", bias, s * cout), [0, taps - 1, 0, taps - 1], [1, 1], [1, 1], counted);
            }
            else
            {
                var kw = b.Floats(output + ".polyphase.weight", kernel, s * cout, cin, taps);
                conv = b.ConvNd(output + ".phases", x, kw, b.Floats(output + ".polyphase.bias", bias, s * cout), [taps - 1, taps - 1], [1], [1], counted);
            }
            // [B, s*Cout, (1,) Q] -> [B, s, Cout, Q] -> [B, Cout, Q, s] -> [B, Cout, (1,) Q*s]: sample q*s + r.
            var split = b.Reshape(output + ".split", conv, 0, s, cout, -1);
            var inter = b.Transpose(output + ".interleave", split, 0, 2, 3, 1);
            var full = form.Rows ? b.Reshape(output + ".full", inter, 0, 0, 1, -1) : b.Reshape(output + ".full", inter, 0, 0, -1);
            // The full output is (L - 1)*s + k long, plus taps*s - k zero-tap samples at the end; keep [pad, pad + Lout).
            long endTrim = pad + taps * s - k;
            return b.Slice(output, full, -1, pad, endTrim == 0 ? long.MaxValue : -endTrim);
        }
    }
}
