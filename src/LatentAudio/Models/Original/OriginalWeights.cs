using System.Buffers.Binary;
using LatentAudio.Models.Onnx;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Original;

/// <summary>
/// One network's tensors of an original checkpoint, served to a graph builder under the builder's (diffusers /
/// transformers) names: <paramref name="toOriginal"/> gives the stored key (after <paramref name="prefix"/>), and
/// 1x1-conv attention projections are served with the Linear shape the builder expects.
/// </summary>
public sealed class OriginalWeights(string path, IReadOnlyDictionary<string, Tensor> tensors, string prefix, Func<string, string> toOriginal) : IWeights
{
    public int[] Shape(string name)
    {
        var shape = Get(name).Shape;
        return shape.Length == 4 && shape[2] == 1 && shape[3] == 1 && name.Contains(".attentions.", StringComparison.Ordinal) ? shape[..2] : shape;
    }

    public float[] Floats(string name) => Get(name).Data;

    public byte[] Bytes(string name)
    {
        var data = Get(name).Data;
        var bytes = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
        return bytes;
    }

    private Tensor Get(string name)
    {
        var key = prefix + toOriginal(name);
        return tensors.TryGetValue(key, out var t) ? t : throw InvalidInputException.ForFile(path, $"has no tensor '{key}'");
    }
}
