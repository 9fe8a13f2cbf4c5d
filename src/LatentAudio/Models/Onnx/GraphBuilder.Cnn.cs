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
