using System.Buffers.Binary;

namespace LatentAudio.Tests.Audio;

/// <summary>Builds RIFF/WAVE files byte by byte, so tests control every field and chunk.</summary>
internal sealed class WavBytes
{
    private readonly List<(string Id, byte[] Body, uint? DeclaredSize)> _chunks = [];
    public uint? RiffSize { get; set; }

    public WavBytes Chunk(string id, byte[] body, uint? declaredSize = null) { _chunks.Add((id, body, declaredSize)); return this; }

    public WavBytes Fmt(ushort tag, int channels, int rate, int bits, int? blockAlign = null)
    {
        var f = new byte[16];
        int align = blockAlign ?? channels * bits / 8;
        BinaryPrimitives.WriteUInt16LittleEndian(f, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(4), rate);
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(8), rate * align);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(14), (ushort)bits);
        return Chunk("fmt ", f);
    }

    /// <summary>WAVE_FORMAT_EXTENSIBLE with the sub-format GUID of <paramref name="subFormat"/> (1 PCM, 3 float).</summary>
    public WavBytes FmtExtensible(ushort subFormat, int channels, int rate, int bits, uint channelMask)
    {
        var f = new byte[40];
        int align = channels * bits / 8;
        BinaryPrimitives.WriteUInt16LittleEndian(f, 0xFFFE);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(4), rate);
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(8), rate * align);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(12), (ushort)align);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(14), (ushort)bits);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(16), 22);
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(18), (ushort)bits);
        BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(20), channelMask);
        // KSDATAFORMAT_SUBTYPE_*: {0000xxxx-0000-0010-8000-00AA00389B71}
        BinaryPrimitives.WriteUInt16LittleEndian(f.AsSpan(24), subFormat);
        byte[] rest = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        rest.CopyTo(f, 26);
        return Chunk("fmt ", f);
    }

    public WavBytes Data(byte[] body, uint? declaredSize = null) => Chunk("data", body, declaredSize);

    public byte[] ToArray()
    {
        var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write("RIFF"u8); w.Write(0u); w.Write("WAVE"u8);
        foreach (var (id, body, declared) in _chunks)
        {
            w.Write(System.Text.Encoding.ASCII.GetBytes(id));
            w.Write(declared ?? (uint)body.Length);
            w.Write(body);
            if ((body.Length & 1) == 1) w.Write((byte)0);   // RIFF pad byte
        }
        var bytes = ms.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), RiffSize ?? (uint)(bytes.Length - 8));
        return bytes;
    }

    public static byte[] Pcm16(params short[] values)
    {
        var b = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(2 * i), values[i]);
        return b;
    }

    public static byte[] Float32(params float[] values)
    {
        var b = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }
}
