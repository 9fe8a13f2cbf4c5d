using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using LatentAudio.IO;

namespace LatentAudio.Tensors;

/// <summary>
/// NumPy .npy reader/writer (format versions 1.0-3.0, https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
/// Writes little-endian float32 in C order; reads float32/float64/int16/int32 (converted to float32) in C order.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int MaxHeader = 1 << 16;

    public static Tensor Read(string path)
    {
        if (Directory.Exists(path)) throw InvalidInputException.ForFile(path, "is a directory, not a .npy file");
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "no such file");
        using var fs = File.OpenRead(path);
        return Read(fs, path);
    }

    public static Tensor Read(Stream stream, string name)
    {
        Span<byte> pre = stackalloc byte[10];
        if (ReadFully(stream, pre) < 10 || !pre[..6].SequenceEqual(Magic))
            throw InvalidInputException.ForFile(name, "not a .npy file (bad magic)");
        int major = pre[6];
        int headerLen;
        if (major == 1) headerLen = BinaryPrimitives.ReadUInt16LittleEndian(pre[8..]);
        else if (major is 2 or 3)
        {
            Span<byte> extra = stackalloc byte[2];
            if (ReadFully(stream, extra) < 2) throw InvalidInputException.ForFile(name, "truncated .npy header");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian([pre[8], pre[9], extra[0], extra[1]]);
            if (len > MaxHeader) throw InvalidInputException.ForFile(name, $".npy header length {len} is implausible");
            headerLen = (int)len;
        }
        else throw InvalidInputException.ForFile(name, $"unsupported .npy version {major}.{pre[7]}");

        var headerBytes = new byte[headerLen];
        if (ReadFully(stream, headerBytes) < headerLen) throw InvalidInputException.ForFile(name, "truncated .npy header");
        var header = Encoding.Latin1.GetString(headerBytes);

        var descr = DescrRegex().Match(header);
        var fortran = FortranRegex().Match(header);
        var shapeM = ShapeRegex().Match(header);
        if (!descr.Success || !fortran.Success || !shapeM.Success) throw InvalidInputException.ForFile(name, "malformed .npy header");
        bool fortranOrder = fortran.Groups[1].Value == "True";

        var dims = new List<int>();
        long count = 1;
        foreach (var part in shapeM.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, out int d) || d < 0) throw InvalidInputException.ForFile(name, $"malformed .npy shape '{shapeM.Groups[1].Value}'");
            dims.Add(d);
            count *= d;
            if (count > Array.MaxLength) throw InvalidInputException.ForFile(name, ".npy array is too large");
        }

        string dtype = descr.Groups[1].Value;
        int itemSize = dtype switch { "<f4" => 4, "<f8" => 8, "<i2" => 2, "<i4" => 4, "|u1" or "|i1" => 1, _ => 0 };
        if (itemSize == 0) throw InvalidInputException.ForFile(name, $"unsupported .npy dtype '{dtype}' (expected little-endian float32/float64/int)");
        long bytes = count * itemSize;
        if (stream.CanSeek && stream.Length - stream.Position < bytes)
            throw InvalidInputException.ForFile(name, $"truncated .npy data (shape needs {bytes} bytes, {stream.Length - stream.Position} present)");
        if (bytes > Array.MaxLength) throw InvalidInputException.ForFile(name, ".npy array is too large");
        var raw = new byte[bytes];
        if (ReadFully(stream, raw) < bytes) throw InvalidInputException.ForFile(name, "truncated .npy data");

        var data = new float[count];
        var src = raw.AsSpan();
        switch (dtype)
        {
            case "<f4": for (long i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(int)(4 * i)..]); break;
            case "<f8": for (long i = 0; i < count; i++) data[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(int)(8 * i)..]); break;
            case "<i2": for (long i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(int)(2 * i)..]); break;
            case "<i4": for (long i = 0; i < count; i++) data[i] = BinaryPrimitives.ReadInt32LittleEndian(src[(int)(4 * i)..]); break;
            case "|u1": for (long i = 0; i < count; i++) data[i] = raw[i]; break;
            case "|i1": for (long i = 0; i < count; i++) data[i] = (sbyte)raw[i]; break;
        }
        if (fortranOrder && dims.Count > 1) data = FortranToC(data, dims);
        return new Tensor(data, [.. dims]);
    }

    // numpy saves a transposed view (e.g. the golden fbank files, `fbank.T`) with fortran_order True: the first index
    // varies fastest in the file. Reorder to C order.
    private static float[] FortranToC(float[] f, List<int> dims)
    {
        int rank = dims.Count;
        var fStride = new long[rank];
        long s = 1;
        for (int d = 0; d < rank; d++) { fStride[d] = s; s *= dims[d]; }
        var c = new float[f.Length];
        var index = new int[rank];
        long src = 0;
        for (long i = 0; i < c.LongLength; i++)
        {
            c[i] = f[src];
            for (int d = rank - 1; d >= 0; d--) // advance the C-order multi-index, last axis fastest
            {
                if (++index[d] < dims[d]) { src += fStride[d]; break; }
                src -= (long)(dims[d] - 1) * fStride[d];
                index[d] = 0;
            }
        }
        return c;
    }

    /// <summary>Writes float32, little-endian, C order, format 1.0 (atomically).</summary>
    public static void Write(string path, Tensor tensor, bool overwrite = false) =>
        AtomicFile.Write(path, overwrite, s => Write(s, tensor));

    public static void Write(Stream stream, Tensor tensor)
    {
        string shape = tensor.Rank == 1 ? $"({tensor.Shape[0]},)" : $"({string.Join(", ", tensor.Shape)})";
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        // Header (magic + 4 bytes + dict + newline) padded with spaces to a multiple of 64 bytes.
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        var header = dict + new string(' ', padded - total) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.Latin1.GetBytes(header));
        var buf = new byte[4 * 8192];
        for (long i = 0; i < tensor.Length; i += 8192)
        {
            int n = (int)Math.Min(8192, tensor.Length - i);
            for (int j = 0; j < n; j++) BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(4 * j), tensor.Data[i + j]);
            stream.Write(buf, 0, 4 * n);
        }
    }

    // Stream.Read may return fewer bytes than asked before the end: read until full or end of stream.
    private static int ReadFully(Stream s, Span<byte> buffer) => s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex DescrRegex();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranRegex();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeRegex();
}
