using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;

namespace LatentAudio.Models.Vae;

/// <summary>
/// The diffusers building blocks of AutoencoderKL as graph fragments (diffusers v0.31.0:
/// models/resnet.py ResnetBlock2D, models/downsampling.py Downsample2D, models/upsampling.py Upsample2D,
/// models/unets/unet_2d_blocks.py UNetMidBlock2D, models/attention_processor.py Attention + AttnProcessor).
/// </summary>
internal sealed class VaeBlocks(GraphBuilder b, IWeights w, VaeConfig c)
{
    /// <summary>diffusers' Encoder/Decoder build every GroupNorm of the VAE with eps 1e-6.</summary>
    public const float NormEpsilon = 1e-6f;

    public string Conv(string name, string x, long pad, long stride = 1) =>
        b.Conv(name, x, b.Param(w, name + ".weight"), b.Param(w, name + ".bias"), [pad, pad], stride);

    /// <summary>
    /// torch GroupNorm with two-pass statistics: mean, then the mean of squared deviations, over [B, G, C/G*H*W].
    /// ONNX Runtime's GroupNormalization-21, InstanceNormalization and a one-stage ReduceMean lose precision when a
    /// group's mean is large against its spread (long runs of the log(1e-5) floor in zero-padded clips: the golden
    /// env_robin chain latent was off by 6e-4, 6e-5 and 6e-5 with them; 4e-6 with the two-stage mean).
    /// </summary>
    public string Norm(string name, string x)
    {
        int ch = w.Shape(name + ".weight")[0], g = c.NormNumGroups;
        // [B, G, C/G*H, W]: the means are taken row by row and then over the rows, which keeps the float32
        // summation error small (a single pass over 10^5 values is not).
        var grouped = b.Reshape(name + ".grouped", x, 0, g, -1, 0);
        var mean = b.ReduceMean(name + ".mean", b.ReduceMean(name + ".row_mean", grouped, 3), 2);
        var centered = b.Sub(name + ".centered", grouped, mean);
        var squares = b.Mul(name + ".squares", centered, centered);
        var variance = b.ReduceMean(name + ".variance", b.ReduceMean(name + ".row_variance", squares, 3), 2);
        var std = b.Sqrt(name + ".std", b.Add(name + ".variance_eps", variance, b.Scalar(name + ".eps", NormEpsilon)));
        var restored = b.ReshapeLike(name + ".restored", b.Div(name + ".normalized", centered, std), x);
        var scaled = b.Mul(name + ".scaled", restored, b.Initializer(name + ".weight", w.Bytes(name + ".weight"), ch, 1, 1));
        return b.Add(name, scaled, b.Initializer(name + ".bias", w.Bytes(name + ".bias"), ch, 1, 1));
    }

    public string NormAct(string name, string x) => b.SiLU(name + ".act", Norm(name, x));

    /// <summary>norm1, SiLU, conv1, norm2, SiLU, conv2, plus the input (1x1 conv_shortcut when channels change).</summary>
    public string Resnet(string name, string x, int inCh, int outCh)
    {
        var h = Conv(name + ".conv1", NormAct(name + ".norm1", x), 1);
        h = Conv(name + ".conv2", NormAct(name + ".norm2", h), 1);
        var shortcut = inCh != outCh ? Conv(name + ".conv_shortcut", x, 0) : x;
        return b.Add(name, shortcut, h);
    }

    /// <summary>Downsample2D with padding 0: F.pad(x, (0, 1, 0, 1)) then a 3x3 stride-2 conv, so H -> floor(H/2).</summary>
    public string Downsample(string name, string x) =>
        Conv(name + ".conv", b.PadZeros(name + ".pad", x, 0, 0, 0, 0, 0, 0, 1, 1), 0, 2);

    /// <summary>Upsample2D: nearest x2, then a 3x3 conv.</summary>
    public string Upsample(string name, string x) => Conv(name + ".conv", b.UpsampleNearest2d(name + ".nearest", x, 2), 1);

    /// <summary>Single-head self-attention over all H*W positions with a residual; scale 1/sqrt(C).</summary>
    public string Attention(string name, string x, int channels)
    {
        var h = Norm(name + ".group_norm", x);
        h = b.Transpose(name + ".tokens", b.Reshape(name + ".flat", h, 0, channels, -1), 0, 2, 1);
        string Linear(string n, string input) =>
            b.Add(n, b.MatMul(n + ".matmul", input, b.LinearWeightTransposed(w, n + ".weight")), b.Param(w, n + ".bias"));
        var q = Linear(name + ".to_q", h);
        var k = Linear(name + ".to_k", h);
        var v = Linear(name + ".to_v", h);
        var scores = b.MatMul(name + ".scores", q, b.Transpose(name + ".keys_t", k, 0, 2, 1));
        // AttnProcessor: baddbmm(beta=0, alpha=scale) = scale * (q @ k^T), then softmax over keys.
        scores = b.Mul(name + ".scaled", scores, b.Scalar(name + ".scale", (float)(1.0 / Math.Sqrt(channels))));
        var attended = b.MatMul(name + ".attended", b.Softmax(name + ".probs", scores), v);
        var o = Linear(name + ".to_out.0", attended);
        o = b.ReshapeLike(name + ".unflat", b.Transpose(name + ".channels", o, 0, 2, 1), x);
        return b.Add(name, o, x);
    }

    /// <summary>UNetMidBlock2D: resnet, attention (unless mid_block_add_attention is false), resnet.</summary>
    public string Mid(string name, string x, int ch)
    {
        var h = Resnet(name + ".resnets.0", x, ch, ch);
        if (c.MidBlockAddAttention) h = Attention(name + ".attentions.0", h, ch);
        return Resnet(name + ".resnets.1", h, ch, ch);
    }
}
