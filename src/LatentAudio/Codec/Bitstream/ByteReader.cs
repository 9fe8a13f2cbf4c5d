using System.Buffers.Binary;
using System.Text;

namespace LatentAudio.Codec.Bitstream;

/// <summary>
/// Bounds-checked reader over one in-memory section of a file. Every overrun or implausible value throws
/// <see cref="InvalidInputException"/> naming the file and the section, never an IndexOutOfRange.
/// </summary>
public sealed class ByteReader
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly string _file;
    private readonly string _section;

    public ByteReader(ReadOnlyMemory<byte> data, string file, string section)
    {
        _data = data;
        _file = file;
        _section = section;
    }

    public int Position { get; private set; }
    public int Remaining => _data.Length - Position;

    public InvalidInputException Error(string problem) => InvalidInputException.ForFile(_file, $"{_section}: {problem}");

    public ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0 || count > Remaining) throw Error($"needs {count} more bytes but only {Remaining} remain");
        var span = _data.Span.Slice(Position, count);
        Position += count;
        return span;
    }

    public ReadOnlyMemory<byte> Memory(int count)
    {
        Bytes(count);
        return _data.Slice(Position - count, count);
    }

    public byte U8() => Bytes(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));
    public float F32() => BinaryPrimitives.ReadSingleLittleEndian(Bytes(4));
    public double F64() => BinaryPrimitives.ReadDoubleLittleEndian(Bytes(8));

    public float FiniteF32(string what)
    {
        float v = F32();
        if (!float.IsFinite(v)) throw Error($"{what} is {v}");
        return v;
    }

    public double FiniteF64(string what)
    {
        double v = F64();
        if (!double.IsFinite(v)) throw Error($"{what} is {v}");
        return v;
    }

    public ulong VarUInt()
    {
        ulong v = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = U8();
            v |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw Error("varint longer than 10 bytes");
    }

    public long VarInt()
    {
        ulong z = VarUInt();
        return (long)(z >> 1) ^ -(long)(z & 1);
    }

    /// <summary>A varint that must lie in [min, max] (every count read from a file is capped before it sizes anything).</summary>
    public int VarIntIn(string what, long min, long max)
    {
        long v = VarInt();
        if (v < min || v > max) throw Error($"{what} {v} is outside [{min}, {max}]");
        return (int)v;
    }

    public int VarUIntIn(string what, ulong max)
    {
        ulong v = VarUInt();
        if (v > max) throw Error($"{what} {v} exceeds {max}");
        return (int)v;
    }

    public string String(string what, int maxBytes)
    {
        int n = U16();
        if (n > maxBytes) throw Error($"{what} is {n} bytes long (at most {maxBytes})");
        try { return new UTF8Encoding(false, true).GetString(Bytes(n)); }
        catch (DecoderFallbackException) { throw Error($"{what} is not valid UTF-8"); }
    }

    public void ExpectEnd()
    {
        if (Remaining != 0) throw Error($"{Remaining} unexpected trailing bytes");
    }
}
