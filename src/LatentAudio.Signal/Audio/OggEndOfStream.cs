namespace LatentAudio.Audio;

/// <summary>
/// Whether an Ogg file ends with its end-of-stream page (RFC 3533 §6, header type flag 0x04): the last complete page
/// whose CRC checks, searched for in the file's tail (a page is at most 65,307 bytes).
/// </summary>
internal static class OggEndOfStream
{
    private const int MaxPage = 27 + 255 + 255 * 255;
    private static readonly uint[] Table = BuildTable();

    /// <summary>True when the last whole page is marked end-of-stream, or when no whole page is found (nothing to judge).</summary>
    public static bool LastPageIsMarked(Stream stream)
    {
        long length = stream.Length;
        int tail = (int)Math.Min(length, 2L * MaxPage);
        var buf = new byte[tail];
        stream.Position = length - tail;
        tail = stream.ReadAtLeast(buf, tail, throwOnEndOfStream: false);
        for (int i = tail - 27; i >= 0; i--)
        {
            if (buf[i] != (byte)'O' || buf[i + 1] != (byte)'g' || buf[i + 2] != (byte)'g' || buf[i + 3] != (byte)'S' || buf[i + 4] != 0) continue;
            int segments = buf[i + 26], body = 0;
            if (i + 27 + segments > tail) continue;
            for (int k = 0; k < segments; k++) body += buf[i + 27 + k];
            int end = i + 27 + segments + body;
            if (end > tail || !CrcMatches(buf.AsSpan(i, end - i))) continue;
            return (buf[i + 5] & 0x04) != 0;
        }
        return true;
    }

    /// <summary>The page's CRC-32 (polynomial 0x04C11DB7, MSB first, initial 0, its own field read as zero).</summary>
    private static bool CrcMatches(ReadOnlySpan<byte> page)
    {
        uint stored = (uint)(page[22] | page[23] << 8 | page[24] << 16 | page[25] << 24);
        uint crc = 0;
        for (int i = 0; i < page.Length; i++)
        {
            byte b = i is >= 22 and < 26 ? (byte)0 : page[i];
            crc = (crc << 8) ^ Table[(crc >> 24) ^ b];
        }
        return crc == stored;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint r = i << 24;
            for (int k = 0; k < 8; k++) r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            t[i] = r;
        }
        return t;
    }
}
