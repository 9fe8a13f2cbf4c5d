using System.Buffers.Binary;

namespace LatentAudio.Audio;

/// <summary>A few bytes shown in place of the file's own at <see cref="Position"/>.</summary>
internal sealed record BytePatch(long Position, byte[] Bytes);

/// <summary>
/// Finds the size fields NLayer 3.0.1 trusts before it has decoded anything, and that claim more bytes than the file
/// holds, and rewrites them so they claim at most what is there (AFL finding: a 76-byte input made NLayer allocate
/// about 1 GB). NLayer's stream buffer grows to cover any offset it is asked to read, so each of these claims becomes
/// an allocation the size of the claim (MpegStreamReader.ReadBuffer.EnsureFilled, seen with a heap hard limit):
/// <list type="bullet">
/// <item>an ID3v2 tag (header as NLayer's ID3Frame.Validate accepts it): NLayer jumps over the tag and, for the
/// first one, re-reads it from its start (ParseEagerIfNeeded), so the buffer spans the claimed size. Clamped to the
/// end of the file: NLayer then meets the end where it would have (nothing follows a tag that runs past it).</item>
/// <item>a RIFF/WAVE header before the first frame (RiffHeaderFrame.Validate walks chunk sizes, signed, without
/// bounds: far past the end, or round in a loop for a negative size). When the walk leaves the file or loops, the
/// header is shown as not WAVE, which NLayer would conclude anyway (or never conclude, for the loop).</item>
/// <item>a VBRI header 36 bytes into a frame (MpegFrame.ParseVBRI allocates entries × entry size before reading
/// the table). Set to a table one byte too long for the file: NLayer's read still comes up short and it ignores the
/// header, as it would have.</item>
/// </list>
/// Every check runs on every occurrence in the file, not only where NLayer would look, so a pattern inside a frame's
/// payload could be rewritten too; that needs "ID3" + a valid header + an oversized claim (about 1e-11 per byte of
/// random payload), "RIFF....WAVEfmt " (2^-96) or "VBRI" after a frame sync (about 1e-13).
/// </summary>
internal static class Mp3SizeClaims
{
    private const int Block = 1 << 16;
    private const int MaxPattern = 64;       // longest look-ahead of a check from the pattern's start (VBRI: 26 bytes)
    private const int MaxRiffChunks = 1 << 16;

    public static List<BytePatch> Find(Stream stream)
    {
        var patches = new List<BytePatch>();
        long length = stream.Length;
        var buf = new byte[Block + MaxPattern];
        var probe = new byte[32];
        for (long start = 0; start < length; start += Block)
        {
            stream.Position = start;
            int n = stream.ReadAtLeast(buf, buf.Length, throwOnEndOfStream: false);
            int scanEnd = Math.Min(n, Block);
            var span = buf.AsSpan(0, n);
            for (int i = 0; i < scanEnd; i++)
            {
                int next = span[i..scanEnd].IndexOfAny((byte)'I', (byte)'R', (byte)'V');
                if (next < 0) break;
                i += next;
                long at = start + i;
                if (span[i..].StartsWith("ID3"u8)) { if (Id3(stream, at, length, probe) is { } p) patches.Add(p); }
                else if (span[i..].StartsWith("RIFF"u8)) { if (Riff(stream, at, length, probe) is { } p) patches.Add(p); }
                else if (span[i..].StartsWith("VBRI"u8)) { if (Vbri(stream, at, length, probe) is { } p) patches.Add(p); }
            }
        }
        stream.Position = 0;
        return patches;
    }

    /// <summary>ID3v2 header as NLayer accepts it (versions 2-4, revision not 0xFF, flag bits it knows, syncsafe size).</summary>
    private static BytePatch? Id3(Stream s, long at, long length, byte[] b)
    {
        if (ReadAt(s, at + 3, b.AsSpan(0, 7)) < 7) return null;
        byte mask = b[0] switch { 2 => 63, 3 => 31, 4 => 15, _ => 0 };
        if (mask == 0 || b[1] == 0xFF || (b[2] & mask) != 0 || ((b[3] | b[4] | b[5] | b[6]) & 0x80) != 0) return null;
        long size = b[3] << 21 | b[4] << 14 | b[5] << 7 | b[6];
        if (at + 10 + size <= length) return null;
        long fits = length - at - 10;   // ≥ 0: the 7 bytes after "ID3" were read
        return new BytePatch(at + 6, [(byte)(fits >> 21 & 0x7F), (byte)(fits >> 14 & 0x7F), (byte)(fits >> 7 & 0x7F), (byte)(fits & 0x7F)]);
    }

    /// <summary>NLayer's RIFF chunk walk (int arithmetic, as it does it); a patch when it leaves the file or loops.</summary>
    private static BytePatch? Riff(Stream s, long at, long length, byte[] b)
    {
        if (ReadAt(s, at + 8, b.AsSpan(0, 8)) < 8 || !b.AsSpan(0, 8).SequenceEqual("WAVEfmt "u8)) return null;
        var seen = new HashSet<int>();
        int num = 16;
        while (seen.Add(num) && seen.Count <= MaxRiffChunks)
        {
            if (!Within(at, num, length)) return NotWave(at);
            ReadAt(s, at + num, b.AsSpan(0, 4));
            num = unchecked(num + 4 + BinaryPrimitives.ReadInt32LittleEndian(b));
            if (!Within(at, num, length)) return NotWave(at);
            ReadAt(s, at + num, b.AsSpan(0, 4));
            num = unchecked(num + 4);
            if (b.AsSpan(0, 4).SequenceEqual("data"u8)) return null;
        }
        return NotWave(at);

        static bool Within(long at, int offset, long length) => at + offset >= 0 && at + offset + 4 <= length;
        static BytePatch NotWave(long at) => new(at + 8, [0]);
    }

    /// <summary>VBRI header (Fraunhofer) 36 bytes after a frame sync whose table would not fit in the file.</summary>
    private static BytePatch? Vbri(Stream s, long at, long length, byte[] b)
    {
        if (at < 36 || ReadAt(s, at - 36, b.AsSpan(0, 2)) < 2 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return null;
        if (ReadAt(s, at, b.AsSpan(0, 26)) < 26) return null;
        long entries = b[18] << 8 | b[19], entrySize = b[22] << 8 | b[23];
        long room = length - (at + 26);
        if (entries * entrySize <= room) return null;
        // entries × entrySize = room + 1 .. room + 65535: still one byte too long, as small as that allows.
        long want = room + 1;
        long size = Math.Clamp((want + 65534) / 65535, 1, 65535), count = Math.Min(65535, (want + size - 1) / size);
        var patched = b.AsSpan(18, 6).ToArray();
        patched[0] = (byte)(count >> 8); patched[1] = (byte)count;
        patched[4] = (byte)(size >> 8); patched[5] = (byte)size;
        return new BytePatch(at + 18, patched);
    }

    private static int ReadAt(Stream s, long position, Span<byte> into)
    {
        if (position < 0 || position >= s.Length) return 0;
        s.Position = position;
        return s.ReadAtLeast(into, into.Length, throwOnEndOfStream: false);
    }
}
