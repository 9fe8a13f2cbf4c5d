using System.Buffers.Binary;
using System.Text;

namespace LatentAudio.Codec.Bitstream;

/// <summary>Little-endian primitives and LEB128 varints into a growing buffer (the one byte order of the container).</summary>
public sealed class ByteWriter
{
    private readonly MemoryStream _buffer = new();

    public long Length => _buffer.Length;
    public byte[] ToArray() => _buffer.ToArray();

    public void U8(byte v) => _buffer.WriteByte(v);
    public void Bytes(ReadOnlySpan<byte> v) => _buffer.Write(v);

    public void U16(ushort v) { Span<byte> b = stackalloc byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); Bytes(b); }
    public void U32(uint v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); Bytes(b); }
    public void U64(ulong v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); Bytes(b); }
    public void F32(float v) { Span<byte> b = stackalloc byte[4]; BinaryPrimitives.WriteSingleLittleEndian(b, v); Bytes(b); }
    public void F64(double v) { Span<byte> b = stackalloc byte[8]; BinaryPrimitives.WriteDoubleLittleEndian(b, v); Bytes(b); }

    /// <summary>Unsigned LEB128: 7 bits per byte, low group first, high bit = more bytes follow.</summary>
    public void VarUInt(ulong v)
    {
        while (v >= 0x80) { U8((byte)(v | 0x80)); v >>= 7; }
        U8((byte)v);
    }

    /// <summary>Zigzag (0,-1,1,-2,... -> 0,1,2,3,...) then LEB128.</summary>
    public void VarInt(long v) => VarUInt((ulong)((v << 1) ^ (v >> 63)));

    /// <summary>u16 byte count + UTF-8 bytes.</summary>
    public void String(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        if (bytes.Length > ushort.MaxValue) throw new ArgumentException("string too long for the container");
        U16((ushort)bytes.Length);
        Bytes(bytes);
    }
}
