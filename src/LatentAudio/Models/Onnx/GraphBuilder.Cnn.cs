namespace LatentAudio.Models.Onnx;

/// <summary>The operators the embedding networks add (VGGish: torchvggish/vggish.py; PANNs CNN14:
/// audioset_tagging_cnn/pytorch/models.py), ONNX operator specs, opset 21.</summary>
public sealed partial class GraphBuilder
{
    public string Relu(string output, string x) => Same(Node("Relu", output, [x]), x);
    public string Log(string output, string x) => Same(Node("Log", output, [x]), x);
    public string Exp(string output, string x) => Same(Node("Exp", output, [x]), x);

    /// <summary>Round half to even (torch.round's rule, which ONNX Round shares).</summary>
    public string Round(string output, string x) => Same(Node("Round", output, [x]), x);

    /// <summary>2-d max pooling without padding (torch.nn.MaxPool2d / F.max_pool2d, floor mode).</summary>
    public string MaxPool2d(string output, string x, long kernelH, long kernelW, long strideH, long strideW) =>
        Pool2d("MaxPool", output, x, kernelH, kernelW, strideH, strideW);

    /// <summary>2-d average pooling without padding (torch F.avg_pool2d, floor mode).</summary>
    public string AveragePool2d(string output, string x, long kernelH, long kernelW, long strideH, long strideW) =>
        Pool2d("AveragePool", output, x, kernelH, kernelW, strideH, strideW);

    /// <summary>Maximum over <paramref name="axes"/>; kept as size-1 axes when <paramref name="keepDims"/>.</summary>
    public string ReduceMax(string output, string x, bool keepDims, params long[] axes)
    {
        Node("ReduceMax", output, [x, Int64s(output + ".axes", axes)], Attr("keepdims", keepDims ? 1L : 0L));
        _shapes[output] = ShapeOf(x) is { } s ? Reduced(s, axes, keepDims) : null;
        return output;
    }

    /// <summary>Mean over <paramref name="axes"/>; kept as size-1 axes when <paramref name="keepDims"/>.</summary>
    public string ReduceMean(string output, string x, bool keepDims, params long[] axes)
    {
        Node("ReduceMean", output, [x, Int64s(output + ".axes", axes)], Attr("keepdims", keepDims ? 1L : 0L));
        _shapes[output] = ShapeOf(x) is { } s ? Reduced(s, axes, keepDims) : null;
        return output;
    }

    private string Pool2d(string op, string output, string x, long kernelH, long kernelW, long strideH, long strideW)
    {
        Node(op, output, [x], Attr("kernel_shape", [kernelH, kernelW]), Attr("strides", [strideH, strideW]));
        _shapes[output] = ShapeOf(x) is { } s
            ? [s[0], s[1], (s[2] - kernelH) / strideH + 1, (s[3] - kernelW) / strideW + 1]
            : null;
        return output;
    }

    private static long[] Reduced(long[] shape, long[] axes, bool keepDims)
    {
        bool Reduces(int i) => axes.Contains(i) || axes.Contains(i - shape.Length);
        return keepDims
            ? shape.Select((d, i) => Reduces(i) ? 1 : d).ToArray()
            : shape.Where((_, i) => !Reduces(i)).ToArray();
    }
}

/// <summary>Normalisation and padding for the embedding networks (ONNX operator specs, opset 21).</summary>
public sealed partial class GraphBuilder
{
    /// <summary>Inference-mode batch normalisation over axis 1 (torch.nn.BatchNorm1d/2d in eval():
    /// (x - running_mean) / sqrt(running_var + eps) * weight + bias), ONNX BatchNormalization.</summary>
    public string BatchNorm(string output, string x, string scale, string bias, string mean, string variance, float epsilon) =>
        Same(Node("BatchNormalization", output, [x, scale, bias, mean, variance], Attr("epsilon", epsilon)), x);

    /// <summary>Reflection padding (torch F.pad(mode="reflect"): the edge sample is not repeated);
    /// <paramref name="pads"/> = begins of every axis then ends of every axis, each smaller than its axis.</summary>
    public string PadReflect(string output, string x, params long[] pads)
    {
        Node("Pad", output, [x, Int64s(output + ".pads", pads)], Attr("mode", "reflect"));
        _shapes[output] = ShapeOf(x) is { } s ? s.Select((d, i) => d + pads[i] + pads[i + s.Length]).ToArray() : null;
        return output;
    }
}
