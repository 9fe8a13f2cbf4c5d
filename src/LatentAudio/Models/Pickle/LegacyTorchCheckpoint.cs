using System.Buffers.Binary;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Pickle;

/// <summary>
/// torch's legacy (non-zip) checkpoint format, written by torch.save before torch 1.6 and by
/// <c>_use_new_zipfile_serialization=False</c> since (pytorch/pytorch torch/serialization.py <c>_legacy_save</c>,
/// v1.13.1 @ 49444c3e546bf240bed24a101e747422d1f8a0ee): five pickles back to back — the magic number, the protocol
/// version 1001, a sys-info dict, the object (storages as persistent ids ('storage', type, key, location, numel,
/// view_metadata)) and the sorted list of storage keys — then, per key in that order, its element count as a
/// little-endian int64 and its raw little-endian bytes.
/// </summary>
internal static class LegacyTorchCheckpoint
{
    // pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2): PROTO 2, LONG1 of 10 bytes, STOP.
    private static readonly byte[] Magic = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e];
    private const long ProtocolVersion = 1001;
    private const int FirstPrefix = 16 << 20, MaxPrefix = 256 << 20; // the pickles are read from a prefix of the file

    public static IReadOnlyDictionary<string, Tensor> Read(string path, FileStream file, IPicklePolicy policy)
    {
        var recorder = new StorageTypes(policy);
        var (top, keys, dataStart) = ReadPickles(path, file, recorder);
        var dict = TorchCheckpointReader.StateDict(path, top);
        var byStorage = new Dictionary<string, List<(string Name, TorchTensorRef Ref)>>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Items)
        {
            if (value is not TorchTensorRef t) continue;
            var name = key as string ?? throw InvalidInputException.ForFile(path, "has a tensor under a key that is not a string");
            if (!byStorage.TryGetValue(t.Storage.Key, out var list)) byStorage[t.Storage.Key] = list = [];
            list.Add((name, t));
        }
        if (byStorage.Count == 0) throw InvalidInputException.ForFile(path, "holds no tensors");

        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        file.Position = dataStart;
        Span<byte> count = stackalloc byte[8];
        foreach (var key in keys)
        {
            if (file.ReadAtLeast(count, 8, throwOnEndOfStream: false) < 8)
                throw InvalidInputException.ForFile(path, $"is truncated before storage {key}");
            long numel = BinaryPrimitives.ReadInt64LittleEndian(count);
            // Storages the wanted dict does not use (e.g. other parts of a training checkpoint) are skipped unread.
            if (!byStorage.TryGetValue(key, out var tensors))
            {
                if (!recorder.Types.TryGetValue(key, out var other)) throw InvalidInputException.ForFile(path, $"lists storage {key}, which its pickle never names");
                long skip = checked(numel * TorchCheckpointReader.ElementSize(other));
                if (numel < 0 || skip < 0 || file.Position + skip > file.Length) throw InvalidInputException.ForFile(path, $"storage {key} runs past the end of the file");
                file.Position += skip;
                continue;
            }
            var type = tensors[0].Ref.Storage.DType;
            long bytes = checked(numel * TorchCheckpointReader.ElementSize(type));
            if (numel < 0 || bytes > Array.MaxLength || file.Position + bytes > file.Length)
                throw InvalidInputException.ForFile(path, $"storage {key} claims {numel} elements, more than the file holds");
            var raw = new byte[bytes];
            file.ReadExactly(raw);
            foreach (var (name, t) in tensors) result[name] = TorchCheckpointReader.ToTensor(path, name, t, raw);
            byStorage.Remove(key);
        }
        if (byStorage.Count > 0)
            throw InvalidInputException.ForFile(path, $"tensor '{byStorage.First().Value[0].Name}' refers to storage {byStorage.First().Key}, which the file lacks");
        return result;
    }

    /// <summary>Remembers the type of every storage the pickle names, so that storages outside the wanted state dict
    /// (an optimizer's, say) can be stepped over.</summary>
    private sealed class StorageTypes(IPicklePolicy inner) : IPicklePolicy
    {
        public Dictionary<string, TorchDType> Types { get; } = new(StringComparer.Ordinal);
        public PickleGlobal FindGlobal(string module, string name) => inner.FindGlobal(module, name);
        public object? Reduce(PickleGlobal callable, object?[] args) => inner.Reduce(callable, args);
        public void Build(object? target, object? state) => inner.Build(target, state);
        public object? PersistentLoad(object? pid)
        {
            var r = inner.PersistentLoad(pid);
            if (r is TorchStorageRef s) Types[s.Key] = s.DType;
            return r;
        }
    }

    private static (object? Top, List<string> Keys, long DataStart) ReadPickles(string path, FileStream file, IPicklePolicy policy)
    {
        for (long prefix = Math.Min(FirstPrefix, file.Length); ; prefix = Math.Min(prefix * 2, Math.Min(MaxPrefix, file.Length)))
        {
            var data = new byte[prefix];
            file.Position = 0;
            file.ReadExactly(data);
            try { return Parse(path, data, policy); }
            catch (PickleFormatException) when (prefix < file.Length && prefix < MaxPrefix) { }
        }
    }

    private static (object? Top, List<string> Keys, long DataStart) Parse(string path, byte[] data, IPicklePolicy policy)
    {
        if (data.Length < Magic.Length || !data.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw InvalidInputException.ForFile(path, "is not a PyTorch checkpoint (a pickle without torch's legacy magic number)");
        var plain = new TorchPicklePolicy();
        var version = new RestrictedUnpickler(data, Magic.Length, plain);
        if (version.Load() is not long v || v != ProtocolVersion)
            throw InvalidInputException.ForFile(path, "has an unsupported legacy protocol version");
        var sysInfo = new RestrictedUnpickler(data, version.Position, plain);
        if (sysInfo.Load() is PickleDict info && info.Get("little_endian") is false)
            throw InvalidInputException.ForFile(path, "stores big-endian tensors, which are not supported");
        var main = new RestrictedUnpickler(data, sysInfo.Position, policy);
        var top = main.Load();
        var keyList = new RestrictedUnpickler(data, main.Position, plain);
        if (keyList.Load() is not List<object?> keys || keys.Any(k => k is not string))
            throw InvalidInputException.ForFile(path, "has a malformed storage-key list");
        return (top, keys.Cast<string>().ToList(), keyList.Position);
    }
}
