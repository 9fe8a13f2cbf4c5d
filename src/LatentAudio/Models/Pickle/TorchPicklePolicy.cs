namespace LatentAudio.Models.Pickle;

/// <summary>Element types of torch's legacy typed storages, named as the pickle names them (torch/storage.py).</summary>
public enum TorchDType { Float32, Float16, BFloat16, Float64, Int64, Int32, Int16, Int8, UInt8, Bool }

/// <summary>A storage the pickle referred to by persistent id ('storage', type, key, location, numel).</summary>
public sealed record TorchStorageRef(TorchDType DType, string Key, long Numel);

/// <summary>What <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)</c> would have built.</summary>
public sealed record TorchTensorRef(TorchStorageRef Storage, long Offset, long[] Shape, long[] Stride);

/// <summary>
/// The only things a PyTorch state dict pickle needs (torch/serialization.py, torch/_utils.py): OrderedDict, the
/// tensor-rebuild functions, the typed-storage classes as dtype tags, and 'storage' persistent ids. Every other
/// global is refused by name. Nothing here runs code: each allowed global is a tag interpreted by this class.
/// </summary>
public sealed class TorchPicklePolicy : IPicklePolicy
{
    private static readonly PickleGlobal OrderedDict = new("collections", "OrderedDict");
    private static readonly PickleGlobal RebuildTensorV2 = new("torch._utils", "_rebuild_tensor_v2");
    private static readonly PickleGlobal RebuildParameter = new("torch._utils", "_rebuild_parameter");
    // numpy arrays saved by torch.save (torchvggish's vggish_pca_params-970ea276.pth holds two): ndarray.__reduce__,
    // dtype.__reduce__, and protocol 2's spelling of bytes, _codecs.encode(latin-1 text, 'latin1').
    private static readonly PickleGlobal NumpyReconstruct = new("numpy.core.multiarray", "_reconstruct");
    private static readonly PickleGlobal NumpyNdarray = new("numpy", "ndarray");
    private static readonly PickleGlobal NumpyDType = new("numpy", "dtype");
    private static readonly PickleGlobal CodecsEncode = new("_codecs", "encode");

    private static readonly Dictionary<string, TorchDType> StorageTypes = new()
    {
        ["FloatStorage"] = TorchDType.Float32, ["HalfStorage"] = TorchDType.Float16, ["BFloat16Storage"] = TorchDType.BFloat16,
        ["DoubleStorage"] = TorchDType.Float64, ["LongStorage"] = TorchDType.Int64, ["IntStorage"] = TorchDType.Int32,
        ["ShortStorage"] = TorchDType.Int16, ["CharStorage"] = TorchDType.Int8, ["ByteStorage"] = TorchDType.UInt8,
        ["BoolStorage"] = TorchDType.Bool,
    };

    public static string AllowedList =>
        $"{OrderedDict}, {RebuildTensorV2}, {RebuildParameter}, torch.{{{string.Join(",", StorageTypes.Keys)}}}, {NumpyReconstruct}, {NumpyNdarray}, {NumpyDType}, {CodecsEncode}";

    public PickleGlobal FindGlobal(string module, string name)
    {
        var g = new PickleGlobal(module, name);
        if (g == OrderedDict || g == RebuildTensorV2 || g == RebuildParameter) return g;
        if (g == NumpyReconstruct || g == NumpyNdarray || g == NumpyDType || g == CodecsEncode) return g;
        if (module == "torch" && StorageTypes.ContainsKey(name)) return g;
        throw new PickleRefusedException($"the pickle asks for the global '{module}.{name}', which a tensor state dict does not need (allowed: {AllowedList})");
    }

    public object? Reduce(PickleGlobal callable, object?[] args)
    {
        if (callable == OrderedDict)
            return args.Length == 0 ? new PickleDict() : throw new PickleRefusedException("OrderedDict called with arguments");
        if (callable == RebuildTensorV2)
        {
            // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            if (args.Length is < 4 or > 7) throw new PickleFormatException($"_rebuild_tensor_v2 with {args.Length} arguments");
            var storage = args[0] as TorchStorageRef ?? throw new PickleFormatException("_rebuild_tensor_v2 without a storage");
            return new TorchTensorRef(storage, Int(args[1]), Ints(args[2]), Ints(args[3]));
        }
        if (callable == CodecsEncode)
        {
            if (args is not [string text, "latin1"] || text.Any(c => c > 0xFF)) throw new PickleRefusedException("_codecs.encode other than latin-1 bytes");
            return text.Select(c => (byte)c).ToArray();
        }
        if (callable == NumpyDType)
            return args is [string code, ..] ? new NumpyDTypeRef(code) : throw new PickleFormatException("numpy.dtype without a type code");
        if (callable == NumpyReconstruct)
            return args is [PickleGlobal cls, ..] && cls == NumpyNdarray ? new NumpyArrayRef() : throw new PickleRefusedException("_reconstruct of something other than numpy.ndarray");
        if (callable == RebuildParameter)
            return args.Length >= 1 && args[0] is TorchTensorRef t ? t : throw new PickleFormatException("_rebuild_parameter without a tensor");
        throw new PickleRefusedException($"the pickle calls '{callable}', which a tensor state dict does not need");
    }

    public void Build(object? target, object? state)
    {
        // state_dict() sets OrderedDict._metadata (module versions) through BUILD: data only, kept out of the result.
        if (target is PickleDict && state is PickleDict or null) return;
        if (target is NumpyArrayRef array) { array.SetState(state); return; }
        if (target is NumpyDTypeRef dtype)
        {
            // (version, byteorder, subarray, names, fields, elsize, alignment, flags)
            dtype.ByteOrder = state is object?[] { Length: >= 2 } t && t[1] is string order ? order : throw new PickleFormatException("a numpy dtype state without a byte order");
            return;
        }
        throw new PickleRefusedException($"the pickle sets the state of a {target?.GetType().Name ?? "None"}, which a tensor state dict does not need");
    }

    public object? PersistentLoad(object? pid)
    {
        // torch/serialization.py persistent_id: ('storage', storage_type, key, location, numel); typename may be bytes.
        // The legacy (non-zip) format adds a sixth item, view_metadata, None unless the storage is a view of another
        // (torch < 1.x "storage views"), which is not supported.
        if (pid is not object?[] { Length: 5 or 6 } t) throw new PickleFormatException("a persistent id that is not a 5-tuple");
        if (t.Length == 6 && t[5] is not null) throw new PickleRefusedException("a legacy storage view (view_metadata), which state dicts saved by torch >= 1.0 do not use");
        var typename = t[0] is byte[] b ? System.Text.Encoding.ASCII.GetString(b) : t[0] as string;
        if (typename != "storage") throw new PickleRefusedException($"persistent id of type '{typename}'");
        if (t[1] is not PickleGlobal { Module: "torch" } type || !StorageTypes.TryGetValue(type.Name, out var dtype))
            throw new PickleFormatException("a storage persistent id without a storage type");
        var key = t[2] as string ?? throw new PickleFormatException("a storage persistent id without a key");
        if (key.Length == 0 || key.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
            throw new PickleFormatException($"storage key '{key}' is not a plain name");
        long numel = Int(t[4]);
        return new TorchStorageRef(dtype, key, numel);
    }

    private static long Int(object? o) => o is long v && v >= 0 ? v : throw new PickleFormatException("expected a non-negative integer");

    private static long[] Ints(object? o) =>
        o is object?[] tuple ? tuple.Select(Int).ToArray() : throw new PickleFormatException("expected a tuple of integers");
}
