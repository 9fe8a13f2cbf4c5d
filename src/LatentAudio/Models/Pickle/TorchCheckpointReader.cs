using System.Buffers.Binary;
using System.IO.Compression;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Pickle;

/// <summary>
/// Reads the tensors of a PyTorch checkpoint (<c>pytorch_model.bin</c>, <c>.pt</c>, <c>.pth</c>) in torch's zip
/// format (torch >= 1.6, torch/serialization.py _save): <c>{root}/data.pkl</c> is the pickled state dict,
/// <c>{root}/data/{key}</c> the raw little-endian bytes of each storage. The pickle goes through the
/// <see cref="RestrictedUnpickler"/> with <see cref="TorchPicklePolicy"/>: nothing in the file is executed, and a
/// file asking for any other global is refused with the global's name. Every tensor comes out as float32
/// (half, bfloat16, double and integer storages converted), honouring storage offsets and strides.
/// </summary>
public static class TorchCheckpointReader
{
    public static IReadOnlyDictionary<string, Tensor> Read(string path) => Read(path, new TorchPicklePolicy(), static _ => true);

    /// <summary>As <see cref="Read(string)"/>, with the pickle interpreted by <paramref name="policy"/> (e.g. a
    /// <see cref="NumpyPlaceholderPolicy"/> for training checkpoints that also pickle numpy objects).</summary>
    public static IReadOnlyDictionary<string, Tensor> Read(string path, IPicklePolicy policy) => Read(path, policy, static _ => true);

    /// <summary>
    /// Reads only the tensors whose state-dict key <paramref name="keep"/> accepts: the storages of the others are
    /// never decompressed (a whole LatentDiffusion checkpoint is gigabytes, its VAE and vocoder a fraction).
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> Read(string path, Func<string, bool> keep) => Read(path, new TorchPicklePolicy(), keep);

    /// <summary>The general form: reads the zip format and torch's legacy (&lt; 1.6) format
    /// (<see cref="LegacyTorchCheckpoint"/>), keeping the tensors <paramref name="keep"/> accepts.</summary>
    public static IReadOnlyDictionary<string, Tensor> Read(string path, IPicklePolicy policy, Func<string, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[2];
            int got = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
            if (got == 2 && magic[0] == 0x80)
            {
                file.Position = 0;
                // The legacy format keeps every storage in one stream: filtering after reading saves no I/O.
                return LegacyTorchCheckpoint.Read(path, file, policy).Where(kv => keep(kv.Key)).ToDictionary(StringComparer.Ordinal);
            }
            if (got < 2 || magic[0] != 'P' || magic[1] != 'K')
                throw InvalidInputException.ForFile(path, "is not a PyTorch checkpoint (neither the zip nor the legacy format)");
            file.Position = 0;
            using var zip = new ZipArchive(file, ZipArchiveMode.Read);
            return ReadArchive(path, zip, file.Length, policy, keep);
        }
        catch (PickleRefusedException e) { throw InvalidInputException.ForFile(path, $"refused: {e.Message}"); }
        catch (PickleFormatException e) { throw InvalidInputException.ForFile(path, $"malformed checkpoint pickle: {e.Message}"); }
        catch (InvalidDataException e) { throw InvalidInputException.ForFile(path, $"corrupt zip archive ({e.Message})"); }
        catch (FileNotFoundException) { throw InvalidInputException.ForFile(path, "not found"); }
        catch (DirectoryNotFoundException) { throw InvalidInputException.ForFile(path, "not found"); }
        catch (OverflowException) { throw InvalidInputException.ForFile(path, "malformed checkpoint: a tensor's sizes overflow"); }
        catch (IOException e) { throw InvalidInputException.ForFile(path, $"cannot be read ({e.Message})"); }
    }

    private static Dictionary<string, Tensor> ReadArchive(string path, ZipArchive zip, long archiveLength, IPicklePolicy policy, Func<string, bool> keep)
    {
        // The root folder is the archive's name at save time ("archive" since torch 1.9; older files use the stem).
        var pickle = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1).ToList();
        if (pickle.Count != 1) throw InvalidInputException.ForFile(path, "has no {root}/data.pkl: not a PyTorch checkpoint");
        var root = pickle[0].FullName[..^"/data.pkl".Length];
        if (zip.GetEntry($"{root}/byteorder") is { } order && ReadEntry(path, order, archiveLength, 16) is var bytes
            && System.Text.Encoding.ASCII.GetString(bytes).Trim() != "little")
            throw InvalidInputException.ForFile(path, "stores big-endian tensors, which are not supported");

        var top = new RestrictedUnpickler(ReadEntry(path, pickle[0], archiveLength, 256L << 20), policy).Load();
        var dict = StateDict(path, top);
        var storages = new Dictionary<string, byte[]>();
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (key, value) in dict.Items)
        {
            if (value is NumpyArrayRef array)
            {
                var arrayName = key as string ?? throw InvalidInputException.ForFile(path, "has an array under a key that is not a string");
                result[arrayName] = array.ToTensor(arrayName);
                continue;
            }
            if (value is not TorchTensorRef t) continue; // e.g. a stray int: not a weight
            var name = key as string ?? throw InvalidInputException.ForFile(path, "has a tensor under a key that is not a string");
            if (!keep(name)) continue;
            if (!storages.TryGetValue(t.Storage.Key, out var raw))
            {
                var entry = zip.GetEntry($"{root}/data/{t.Storage.Key}")
                    ?? throw InvalidInputException.ForFile(path, $"tensor '{name}' refers to storage {t.Storage.Key}, which the archive lacks");
                storages[t.Storage.Key] = raw = ReadEntry(path, entry, archiveLength, int.MaxValue);
            }
            result[name] = ToTensor(path, name, t, raw);
        }
        if (result.Count == 0) throw InvalidInputException.ForFile(path, dict.Items.Any(kv => kv.Value is TorchTensorRef) ? "holds none of the tensors wanted" : "holds no tensors");
        return result;
    }

    /// <summary>The state dict itself, or the one a training checkpoint keeps under "state_dict" or "model".</summary>
    internal static PickleDict StateDict(string path, object? top)
    {
        if (top is not PickleDict dict) throw InvalidInputException.ForFile(path, "does not hold a dict of tensors");
        if (!dict.Items.Any(kv => kv.Value is TorchTensorRef or NumpyArrayRef))
            foreach (var wrapper in new[] { "state_dict", "model" })
                if (dict.Get(wrapper) is PickleDict inner) return inner;
        return dict;
    }

    /// <summary>Deflate's largest expansion, 1032:1 (zlib technical details, zlib.net/zlib_tech.html).</summary>
    private const long MaxDeflateRatio = 1032;

    private static byte[] ReadEntry(string path, ZipArchiveEntry entry, long archiveLength, long limit)
    {
        if (entry.Length > limit) throw InvalidInputException.ForFile(path, $"{entry.FullName} is too large ({entry.Length} bytes)");
        // The sizes are claims of the zip directory, and the buffer is allocated from them before any byte is
        // inflated: a 1 KB file claiming 160 MB would get 160 MB. No entry can be longer than the archive, nor
        // inflate to more than deflate's maximum ratio of that (a stored entry, as torch writes storages, is 1:1).
        if (entry.CompressedLength > archiveLength || entry.Length > Math.Max(entry.CompressedLength, 1) * MaxDeflateRatio)
            throw InvalidInputException.ForFile(path, $"corrupt zip archive ({entry.FullName} claims {entry.Length} bytes from {entry.CompressedLength} compressed in a {archiveLength}-byte file)");
        var buffer = new byte[entry.Length];
        using var s = entry.Open();
        s.ReadExactly(buffer);
        return buffer;
    }

    internal static Tensor ToTensor(string path, string name, TorchTensorRef t, byte[] raw)
    {
        int size = ElementSize(t.Storage.DType);
        long storageElements = raw.LongLength / size;
        if (t.Shape.Length != t.Stride.Length)
            throw InvalidInputException.ForFile(path, $"tensor '{name}' has {t.Shape.Length} sizes but {t.Stride.Length} strides");
        long count = 1, last = t.Offset;
        foreach (var (n, s) in t.Shape.Zip(t.Stride))
        {
            count = checked(count * n);
            if (n > 0) last = checked(last + (n - 1) * s);
        }
        if (count > Array.MaxLength || t.Shape.Any(n => n > int.MaxValue))
            throw InvalidInputException.ForFile(path, $"tensor '{name}' is too large");
        if (count > 0 && last >= storageElements)
            throw InvalidInputException.ForFile(path, $"tensor '{name}' reaches element {last} of a storage holding {storageElements}");

        var data = new float[count];
        var shape = t.Shape.Select(n => (int)n).ToArray();
        if (count == 0) return new Tensor(data, shape);
        if (IsContiguous(t.Shape, t.Stride))
            Convert(raw.AsSpan((int)(t.Offset * size), (int)(count * size)), t.Storage.DType, data);
        else
            Gather(raw, t, data);
        return new Tensor(data, shape);
    }

    // C order, ignoring axes of length 1 (whose stride torch leaves arbitrary).
    private static bool IsContiguous(long[] shape, long[] stride)
    {
        long expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] != 1 && stride[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    // A view with its own strides (a transpose saved as such): walk the multi-index in C order.
    private static void Gather(byte[] raw, TorchTensorRef t, float[] data)
    {
        int rank = t.Shape.Length, size = ElementSize(t.Storage.DType);
        var index = new long[rank];
        long at = t.Offset;
        Span<float> one = stackalloc float[1];
        for (long i = 0; i < data.LongLength; i++)
        {
            Convert(raw.AsSpan((int)(at * size), size), t.Storage.DType, one);
            data[i] = one[0];
            for (int axis = rank - 1; axis >= 0; axis--)
            {
                at += t.Stride[axis];
                if (++index[axis] < t.Shape[axis]) break;
                at -= t.Stride[axis] * t.Shape[axis];
                index[axis] = 0;
            }
        }
    }

    internal static int ElementSize(TorchDType d) => d switch
    {
        TorchDType.Float32 or TorchDType.Int32 => 4,
        TorchDType.Float16 or TorchDType.BFloat16 or TorchDType.Int16 => 2,
        TorchDType.Float64 or TorchDType.Int64 => 8,
        _ => 1,
    };

    private static void Convert(ReadOnlySpan<byte> src, TorchDType dtype, Span<float> dst)
    {
        switch (dtype)
        {
            case TorchDType.Float32:
                if (BitConverter.IsLittleEndian) System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(src).CopyTo(dst);
                else for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case TorchDType.Float16:
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(src[(2 * i)..]);
                break;
            case TorchDType.BFloat16: // the upper half of a float32
                for (int i = 0; i < dst.Length; i++) dst[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(src[(2 * i)..]) << 16);
                break;
            case TorchDType.Float64:
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
            case TorchDType.Int64:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]);
                break;
            case TorchDType.Int32:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]);
                break;
            case TorchDType.Int16:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]);
                break;
            case TorchDType.Int8:
                for (int i = 0; i < dst.Length; i++) dst[i] = (sbyte)src[i];
                break;
            default: // UInt8, Bool
                for (int i = 0; i < dst.Length; i++) dst[i] = src[i];
                break;
        }
    }
}
