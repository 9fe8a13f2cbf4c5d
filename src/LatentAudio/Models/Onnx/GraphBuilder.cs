using Google.Protobuf;
using Onnx;

namespace LatentAudio.Models.Onnx;

/// <summary>A dimension of a graph input/output: a fixed size, or a named dynamic axis (with a concrete size when shapes are tracked).</summary>
public readonly record struct Dim(string? Param, long Value)
{
    public static Dim Fixed(long value) => new(null, value);
    /// <summary>A dynamic axis; <paramref name="trackedValue"/> &gt;= 0 lets the builder track shapes and count FLOPs.</summary>
    public static Dim Dynamic(string name, long trackedValue = -1) => new(name, trackedValue);
}

/// <summary>
/// Builds an ONNX graph (opset 21, float32) node by node. Each helper names its output, and, when every input
/// dimension is known, tracks shapes and counts the multiply-add FLOPs of Conv, ConvTranspose and MatMul.
/// </summary>
public sealed partial class GraphBuilder
{
    public const int Opset = 21;

    /// <summary>
    /// The version of graph construction, part of every cached graph's key (<see cref="GraphCache"/>). Bump it
    /// whenever a built graph changes for the same config and weights (a node, an order, a fusion, an initialiser),
    /// here or in the builders that use this class (VaeGraphs, HifiGanGraph): otherwise a cached graph from the
    /// previous construction would still be loaded. 2: the vocoder's convolutions as 2-d rows of height 1
    /// (HifiGanForm.Fast, issue 15 item 2).
    /// </summary>
    public const int Version = 2;
    private const int FloatType = (int)TensorProto.Types.DataType.Float;
    private const int Int64Type = (int)TensorProto.Types.DataType.Int64;

    private readonly GraphProto _graph = new();
    private readonly Dictionary<string, long[]?> _shapes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public GraphBuilder(string name) => _graph.Name = name;

    /// <summary>2 x multiply-adds of the convolutions and matrix products (known only when shapes are tracked).</summary>
    public double Flops { get; private set; }

    public long[]? ShapeOf(string value) => _shapes.GetValueOrDefault(value);

    public string Input(string name, params Dim[] dims)
    {
        _graph.Input.Add(ValueInfo(name, dims));
        Track(name, dims.All(d => d.Value >= 0) ? dims.Select(d => d.Value).ToArray() : null);
        return name;
    }

    public void Output(string value, params Dim[] dims) => _graph.Output.Add(ValueInfo(value, dims));

    /// <summary>A float32 initializer from little-endian bytes (no copy).</summary>
    public string Initializer(string name, byte[] floatBytes, params long[] dims)
    {
        if (floatBytes.Length != 4 * dims.Aggregate(1L, (a, b) => a * b)) throw new ArgumentException($"initializer {name}: {floatBytes.Length} bytes for shape [{string.Join(",", dims)}]");
        var t = new TensorProto { Name = name, DataType = FloatType, RawData = UnsafeByteOperations.UnsafeWrap(floatBytes) };
        t.Dims.AddRange(dims);
        _graph.Initializer.Add(t);
        Track(name, dims);
        return name;
    }

    public string Floats(string name, float[] values, params long[] dims) =>
        Initializer(name, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims);

    public string Scalar(string name, float value) => Floats(name, [value]);

    public string Int64s(string name, params long[] values)
    {
        var t = new TensorProto { Name = name, DataType = Int64Type };
        t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        _graph.Initializer.Add(t);
        Track(name, [values.Length]);
        return name;
    }

    public ModelProto ToModel(string producer = "LatentAudio")
    {
        var model = new ModelProto { IrVersion = 10, ProducerName = producer, Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    private string Node(string op, string output, string[] inputs, params AttributeProto[] attributes)
    {
        if (!_names.Add(output)) throw new InvalidOperationException($"graph value '{output}' defined twice");
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    private void Track(string name, long[]? shape)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"graph value '{name}' defined twice");
        _shapes[name] = shape;
    }

    private static ValueInfoProto ValueInfo(string name, Dim[] dims)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = FloatType };
        // No dims given: the shape is left to ONNX Runtime's inference (debug outputs of intermediate values).
        if (dims.Length == 0) return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d.Param is null ? new TensorShapeProto.Types.Dimension { DimValue = d.Value } : new TensorShapeProto.Types.Dimension { DimParam = d.Param });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = FloatType, Shape = shape } },
        };
    }

    private static AttributeProto Attr(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    private static AttributeProto Attr(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };
    private static AttributeProto Attr(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
    private static AttributeProto Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}
