using System.Buffers.Binary;
using LatentAudio.Models.Config;
using LatentAudio.Models.Pickle;
using LatentAudio.Models.Safetensors;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Onnx;

/// <summary>
/// A checkpoint as the graph builders read it: a memory-mapped .safetensors file, or — for hub repos that hold only
/// PyTorch weights — a .bin read by the restricted unpickler (never executed). Both are validated against the
/// layout the config implies before any graph is built.
/// </summary>
public sealed class CheckpointWeights : IWeights, IDisposable
{
    private readonly SafetensorsFile? _file;
    private readonly IReadOnlyDictionary<string, Tensor>? _tensors;

    private CheckpointWeights(string path, SafetensorsFile? file, IReadOnlyDictionary<string, Tensor>? tensors)
    {
        Path = path; _file = file; _tensors = tensors;
    }

    public string Path { get; }

    /// <summary>Opens <paramref name="safetensorsName"/> in <paramref name="folder"/>, else <paramref name="binName"/>.</summary>
    public static CheckpointWeights Open(string folder, string safetensorsName, string binName)
    {
        var safetensors = System.IO.Path.Combine(folder, safetensorsName);
        var bin = System.IO.Path.Combine(folder, binName);
        if (!File.Exists(safetensors) && File.Exists(bin))
            return new CheckpointWeights(bin, null, TorchCheckpointReader.Read(bin));
        var file = SafetensorsFile.Open(safetensors);
        return new CheckpointWeights(safetensors, file, null);
    }

    /// <summary>Name -> shape of every tensor in the checkpoint.</summary>
    public IReadOnlyDictionary<string, int[]> Shapes =>
        _file is not null
            ? _file.Entries.ToDictionary(kv => kv.Key, kv => kv.Value.Shape)
            : _tensors!.ToDictionary(kv => kv.Key, kv => kv.Value.Shape);

    public void Validate(IReadOnlyList<TensorSpec> expected) => WeightCheck.Validate(Path, Shapes, expected);

    public int[] Shape(string name) => _file is not null ? _file[name].Shape : Get(name).Shape;

    public float[] Floats(string name) => _file is not null ? _file.ReadFloats(name) : Get(name).Data;

    public byte[] Bytes(string name)
    {
        if (_file is not null) return _file.ReadFloatBytes(name);
        var data = Get(name).Data;
        var bytes = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
        return bytes;
    }

    private Tensor Get(string name) =>
        _tensors!.TryGetValue(name, out var t) ? t : throw InvalidInputException.ForFile(Path, $"has no tensor '{name}'");

    public void Dispose() => _file?.Dispose();
}
