namespace LatentAudio.Audio.Flac;

/// <summary>
/// The two CRCs of a FLAC frame (RFC 9639 §9.1.8 and §9.3): CRC-8, polynomial x^8+x^2+x+1 (0x07), over the frame
/// header; CRC-16, polynomial x^16+x^15+x^2+1 (0x8005), over the whole frame. Both MSB-first, initial value 0.
/// </summary>
internal static class FlacCrc
{
    private static readonly byte[] Table8 = BuildTable8();
    private static readonly ushort[] Table16 = BuildTable16();

    public static byte Crc8(ReadOnlySpan<byte> data)
    {
        byte crc = 0;
        foreach (var b in data) crc = Table8[crc ^ b];
        return crc;
    }

    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data) crc = (ushort)((crc << 8) ^ Table16[(crc >> 8) ^ b]);
        return crc;
    }

    private static byte[] BuildTable8()
    {
        var t = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            int c = i;
            for (int k = 0; k < 8; k++) c = (c & 0x80) != 0 ? (c << 1) ^ 0x07 : c << 1;
            t[i] = (byte)c;
        }
        return t;
    }

    private static ushort[] BuildTable16()
    {
        var t = new ushort[256];
        for (int i = 0; i < 256; i++)
        {
            int c = i << 8;
            for (int k = 0; k < 8; k++) c = (c & 0x8000) != 0 ? (c << 1) ^ 0x8005 : c << 1;
            t[i] = (ushort)c;
        }
        return t;
    }
}
