using Onnx;

namespace LatentAudio.Models.Onnx;

/// <summary>The operators the VAE and vocoder graphs use (ONNX operator specs, opset 21).</summary>
public sealed partial class GraphBuilder
{
    /// <summary>N-d convolution; weight [Cout, Cin/group, k...]; pads per spatial axis, symmetric.</summary>
    public string Conv(string output, string x, string weight, string? bias, long[] pads, long stride = 1, long dilation = 1, long group = 1)
    {
        var w = _shapes[weight]!;
        int spatial = w.Length - 2;
        var inputs = bias is null ? new[] { x, weight } : [x, weight, bias];
        Node("Conv", output, inputs,
            Attr("kernel_shape", w[2..]), Attr("strides", Enumerable.Repeat(stride, spatial).ToArray()),
            Attr("dilations", Enumerable.Repeat(dilation, spatial).ToArray()), Attr("pads", [.. pads, .. pads]), Attr("group", group));
        if (ShapeOf(x) is { } s)
        {
            var o = new long[s.Length];
            o[0] = s[0]; o[1] = w[0];
            for (int i = 0; i < spatial; i++)
                o[2 + i] = (s[2 + i] + 2 * pads[i] - dilation * (w[2 + i] - 1) - 1) / stride + 1;
            _shapes[output] = o;
            Flops += 2.0 * Product(o) * Product(w[1..]);
        }
        else _shapes[output] = null;
        return output;
    }

    /// <summary>N-d convolution with per-axis strides and dilations and begin/end pads (<paramref name="pads"/> =
    /// begins of every spatial axis, then ends); weight [Cout, Cin, k...].</summary>
    public string ConvNd(string output, string x, string weight, string? bias, long[] pads, long[] strides, long[] dilations)
    {
        var w = _shapes[weight]!;
        int spatial = w.Length - 2;
        var inputs = bias is null ? new[] { x, weight } : [x, weight, bias];
        Node("Conv", output, inputs,
            Attr("kernel_shape", w[2..]), Attr("strides", strides), Attr("dilations", dilations), Attr("pads", pads), Attr("group", 1L));
        if (ShapeOf(x) is { } s)
        {
            var o = new long[s.Length];
            o[0] = s[0]; o[1] = w[0];
            for (int i = 0; i < spatial; i++)
                o[2 + i] = (s[2 + i] + pads[i] + pads[spatial + i] - dilations[i] * (w[2 + i] - 1) - 1) / strides[i] + 1;
            _shapes[output] = o;
            Flops += 2.0 * Product(o) * Product(w[1..]);
        }
        else _shapes[output] = null;
        return output;
    }

    /// <summary>N-d transposed convolution; weight [Cin, Cout, k...]; per-axis strides, symmetric pads per axis.</summary>
    public string ConvTransposeNd(string output, string x, string weight, string bias, long[] strides, long[] pads)
    {
        var w = _shapes[weight]!;
        int spatial = w.Length - 2;
        Node("ConvTranspose", output, [x, weight, bias],
            Attr("kernel_shape", w[2..]), Attr("strides", strides), Attr("pads", [.. pads, .. pads]));
        if (ShapeOf(x) is { } s)
        {
            var o = new long[s.Length];
            o[0] = s[0]; o[1] = w[1];
            for (int i = 0; i < spatial; i++) o[2 + i] = (s[2 + i] - 1) * strides[i] - 2 * pads[i] + w[2 + i];
            _shapes[output] = o;
            Flops += 2.0 * Product(s) * Product(w[1..]);
        }
        else _shapes[output] = null;
        return output;
    }

    /// <summary>1-d transposed convolution; weight [Cin, Cout, k]; symmetric padding.</summary>
    public string ConvTranspose1d(string output, string x, string weight, string bias, long stride, long pad)
    {
        var w = _shapes[weight]!;
        Node("ConvTranspose", output, [x, weight, bias],
            Attr("kernel_shape", [w[2]]), Attr("strides", [stride]), Attr("pads", [pad, pad]));
        if (ShapeOf(x) is { } s)
        {
            _shapes[output] = [s[0], w[1], (s[2] - 1) * stride - 2 * pad + w[2]];
            Flops += 2.0 * Product(s) * w[1] * w[2];
        }
        else _shapes[output] = null;
        return output;
    }

    /// <summary>ONNX GroupNormalization-21 (scale/bias [C]). Its single-pass statistics are too coarse for the VAE's
    /// long constant regions; the VAE uses a two-stage decomposition instead (VaeBlocks.Norm).</summary>
    public string GroupNorm(string output, string x, string scale, string bias, long groups, float epsilon) =>
        Same(Node("GroupNormalization", output, [x, scale, bias], Attr("epsilon", epsilon), Attr("num_groups", groups)), x);

    /// <summary>Mean over <paramref name="axes"/>, kept as size-1 axes.</summary>
    public string ReduceMean(string output, string x, params long[] axes)
    {
        Node("ReduceMean", output, [x, Int64s(output + ".axes", axes)], Attr("keepdims", 1L));
        _shapes[output] = ShapeOf(x) is { } s ? s.Select((d, i) => axes.Contains(i) || axes.Contains(i - s.Length) ? 1 : d).ToArray() : null;
        return output;
    }

    public string Sqrt(string output, string x) => Same(Node("Sqrt", output, [x]), x);

    /// <summary>x * sigmoid(x) (torch.nn.SiLU).</summary>
    public string SiLU(string output, string x) => Mul(output, x, Same(Node("Sigmoid", output + ".sigmoid", [x]), x));

    public string LeakyRelu(string output, string x, float slope) => Same(Node("LeakyRelu", output, [x], Attr("alpha", slope)), x);
    public string Tanh(string output, string x) => Same(Node("Tanh", output, [x]), x);
    public string Add(string output, string a, string b) => Same(Node("Add", output, [a, b]), a);
    public string Sub(string output, string a, string b) => Same(Node("Sub", output, [a, b]), a);
    public string Mul(string output, string a, string b) => Same(Node("Mul", output, [a, b]), a);
    public string Div(string output, string a, string b) => Same(Node("Div", output, [a, b]), a);
    public string Sum(string output, params string[] inputs) => Same(Node("Sum", output, inputs), inputs[0]);
    public string Softmax(string output, string x, long axis = -1) => Same(Node("Softmax", output, [x], Attr("axis", axis)), x);
    public string Clip(string output, string x, float min, float max) =>
        Same(Node("Clip", output, [x, Scalar(output + ".min", min), Scalar(output + ".max", max)]), x);

    public string MatMul(string output, string a, string b)
    {
        Node("MatMul", output, [a, b]);
        if (ShapeOf(a) is { } sa && ShapeOf(b) is { } sb)
        {
            var o = sa.ToArray();
            o[^1] = sb[^1];
            _shapes[output] = o;
            Flops += 2.0 * Product(o) * sa[^1];
        }
        else _shapes[output] = null;
        return output;
    }

    public string Transpose(string output, string x, params long[] perm)
    {
        Node("Transpose", output, [x], Attr("perm", perm));
        _shapes[output] = ShapeOf(x) is { } s ? perm.Select(p => s[p]).ToArray() : null;
        return output;
    }

    /// <summary>Reshape with ONNX semantics (0 copies the input dimension, -1 is inferred).</summary>
    public string Reshape(string output, string x, params long[] target)
    {
        Node("Reshape", output, [x, Int64s(output + ".shape", target)]);
        if (ShapeOf(x) is { } s)
        {
            var o = target.Select((t, i) => t == 0 ? s[i] : t).ToArray();
            int unknown = Array.IndexOf(o, -1L);
            if (unknown >= 0) o[unknown] = Product(s) / Product(o.Where((_, i) => i != unknown).ToArray());
            _shapes[output] = o;
        }
        else _shapes[output] = null;
        return output;
    }

    /// <summary>Reshape <paramref name="x"/> to the runtime shape of <paramref name="like"/>.</summary>
    public string ReshapeLike(string output, string x, string like)
    {
        var shape = Node("Shape", output + ".shape_of", [like]);
        _shapes[shape] = null;
        return Same(Node("Reshape", output, [x, shape]), like);
    }

    /// <summary>Zero padding; <paramref name="pads"/> = begins of every axis then ends of every axis.</summary>
    public string PadZeros(string output, string x, params long[] pads)
    {
        Node("Pad", output, [x, Int64s(output + ".pads", pads)], Attr("mode", "constant"));
        if (ShapeOf(x) is { } s) _shapes[output] = s.Select((d, i) => d + pads[i] + pads[i + s.Length]).ToArray();
        else _shapes[output] = null;
        return output;
    }

    /// <summary>Nearest-neighbour upsampling by an integer factor on the last two axes (torch F.interpolate(mode="nearest")).</summary>
    public string UpsampleNearest2d(string output, string x, int factor)
    {
        // torch "nearest" picks src = floor(dst * in/out): ONNX asymmetric coordinates with floor rounding.
        var scales = Floats(output + ".scales", [1f, 1f, factor, factor], 4);
        Node("Resize", output, [x, "", scales],
            Attr("mode", "nearest"), Attr("coordinate_transformation_mode", "asymmetric"), Attr("nearest_mode", "floor"));
        _shapes[output] = ShapeOf(x) is { } s ? [s[0], s[1], s[2] * factor, s[3] * factor] : null;
        return output;
    }

    /// <summary>Splits along <paramref name="axis"/> into two equal halves.</summary>
    public (string First, string Second) SplitHalves(string first, string second, string x, long axis, long half)
    {
        var node = new NodeProto { OpType = "Split", Name = first + ".split" };
        node.Input.Add(x);
        node.Input.Add(Int64s(first + ".split_sizes", half, half));
        node.Output.Add(first);
        node.Output.Add(second);
        node.Attribute.Add(Attr("axis", axis));
        _graph.Node.Add(node);
        _names.Add(first); _names.Add(second);
        long[]? s = ShapeOf(x) is { } xs ? xs.Select((d, i) => i == axis ? half : d).ToArray() : null;
        _shapes[first] = s; _shapes[second] = s;
        return (first, second);
    }

    public string Identity(string output, string x) => Same(Node("Identity", output, [x]), x);

    private string Same(string output, string like)
    {
        _shapes[output] = ShapeOf(like);
        return output;
    }

    private static long Product(long[] dims) => dims.Aggregate(1L, (a, b) => a * b);
}
