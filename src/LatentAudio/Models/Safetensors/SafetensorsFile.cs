using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text.Json;

namespace LatentAudio.Models.Safetensors;

/// <summary>One tensor's entry in a .safetensors header; offsets are relative to the data section.</summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDType DType, int[] Shape, long Begin, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}

/// <summary>
/// A memory-mapped .safetensors file (format: https://github.com/huggingface/safetensors, "Format" section):
/// u64 little-endian header length N, N bytes of JSON, then the raw little-endian C-order data.
/// The header is validated completely before any tensor is read, so a corrupt file fails with one clear line.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>The reference implementation refuses headers over 100 MB; so do we.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly long _dataStart;

    private SafetensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, long dataStart,
        IReadOnlyDictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "no such file");
        long length = new FileInfo(path).Length;
        if (length < 8) throw InvalidInputException.ForFile(path, $"truncated .safetensors file ({length} bytes, no header)");
        Span<byte> lenBytes = stackalloc byte[8];
        byte[] header;
        using (var fs = File.OpenRead(path))
        {
            fs.ReadExactly(lenBytes);
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(lenBytes);
            if (n > MaxHeaderBytes) throw InvalidInputException.ForFile(path, $".safetensors header length {n} exceeds the {MaxHeaderBytes}-byte limit (corrupt file?)");
            if ((long)n > length - 8) throw InvalidInputException.ForFile(path, $"truncated .safetensors file (header says {n} bytes, file has {length - 8} after the length)");
            header = new byte[n];
            fs.ReadExactly(header);
        }
        long dataStart = 8 + header.Length, dataLength = length - dataStart;
        var (entries, metadata) = SafetensorsHeader.Parse(path, header, dataLength);
        if (dataLength == 0) return new SafetensorsFile(path, null, null, dataStart, entries, metadata);
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        return new SafetensorsFile(path, map, view, dataStart, entries, metadata);
    }

    public SafetensorsEntry this[string name] =>
        Entries.TryGetValue(name, out var e) ? e : throw InvalidInputException.ForFile(Path, $"has no tensor '{name}'");

    /// <summary>The tensor as float32 values (F16 and BF16 widened exactly, F64 rounded).</summary>
    public float[] ReadFloats(string name)
    {
        var e = this[name];
        var values = new float[e.ElementCount];
        ReadFloats(e, values);
        return values;
    }

    /// <summary>The tensor as little-endian float32 bytes (what an ONNX initializer's raw_data holds).</summary>
    public byte[] ReadFloatBytes(string name)
    {
        var e = this[name];
        var bytes = new byte[e.ElementCount * 4];
        ReadFloats(e, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan()));
        return bytes;
    }

    private unsafe void ReadFloats(SafetensorsEntry e, Span<float> dest)
    {
        if (dest.Length == 0) return;
        byte* basePtr = null;
        _view!.SafeMemoryMappedViewHandle.AcquirePointer(ref basePtr);
        try
        {
            var src = new ReadOnlySpan<byte>(basePtr + _view.PointerOffset + _dataStart + e.Begin, checked((int)(e.End - e.Begin)));
            SafetensorsDTypes.ToFloat32(e.DType, src, dest, Path, e.Name);
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }

    public void Dispose()
    {
        _view?.Dispose();
        _map?.Dispose();
    }
}
