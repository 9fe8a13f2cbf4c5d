using System.Buffers.Binary;
using LatentAudio.Models.Onnx;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Embeddings;

/// <summary>A state dict already read into float32 tensors (TorchCheckpointReader), checked against the layout a graph needs.</summary>
public sealed class StateDictWeights : IWeights
{
    private readonly IReadOnlyDictionary<string, Tensor> _tensors;
    private readonly string _path;

    public StateDictWeights(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyList<(string Name, int[] Shape)> expected)
    {
        _tensors = tensors; _path = path;
        foreach (var (name, shape) in expected)
        {
            if (!tensors.TryGetValue(name, out var t))
                throw InvalidInputException.ForFile(path, $"has no tensor '{name}': not the expected network's weights");
            if (!t.Shape.SequenceEqual(shape))
                throw InvalidInputException.ForFile(path, $"tensor '{name}' is {t.ShapeText}, expected [{string.Join(", ", shape)}]");
        }
    }

    public int[] Shape(string name) => Get(name).Shape;
    public float[] Floats(string name) => Get(name).Data;

    public byte[] Bytes(string name)
    {
        var data = Get(name).Data;
        var bytes = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
        return bytes;
    }

    private Tensor Get(string name) =>
        _tensors.TryGetValue(name, out var t) ? t : throw InvalidInputException.ForFile(_path, $"has no tensor '{name}'");
}
