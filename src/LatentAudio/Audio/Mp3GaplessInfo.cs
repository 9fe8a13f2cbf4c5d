namespace LatentAudio.Audio;

/// <summary>
/// Encoder delay and end padding from the Xing/Info frame's LAME extension, as written by LAME and by FFmpeg's
/// libmp3lame wrapper (LAME tag rev 1: delay and padding are two 12-bit fields 21 bytes after the encoder string).
/// A decoder adds its own 529 samples of filterbank delay (LAME's DECDELAY), so the first delay + 529 decoded
/// samples are priming and the stream holds frames·1152 − delay − padding real samples.
/// </summary>
internal sealed record Mp3GaplessInfo(int Delay, int Padding, long TotalSamples)
{
    public const int DecoderDelay = 529;

    /// <summary>Reads the tag from the first frame at <paramref name="frameOffset"/>; null when there is none.</summary>
    public static Mp3GaplessInfo? Read(Stream stream, long frameOffset)
    {
        var b = new byte[4 + 32 + 8 + 4 + 4 + 100 + 4 + 24];
        stream.Position = frameOffset;
        int n = stream.ReadAtLeast(b, b.Length, throwOnEndOfStream: false);
        if (n < 4 || !Mp3Reader.LooksLikeMpegFrame(b)) return null;
        bool mpeg1 = ((b[1] >> 3) & 3) == 3;
        bool mono = (b[3] >> 6) == 3;
        // ISO 11172-3 / 13818-3: Layer III side information is 32/17 bytes (MPEG-1 stereo/mono), 17/9 (MPEG-2/2.5).
        int sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int samplesPerFrame = mpeg1 ? 1152 : 576;
        int x = 4 + sideInfo;
        if (((b[1] >> 1) & 3) != 1 || n < x + 8) return null;   // layer bits 01 = Layer III
        var tag = b.AsSpan(x, 4);
        if (!tag.SequenceEqual("Xing"u8) && !tag.SequenceEqual("Info"u8)) return null;
        int flags = b[x + 7];
        int p = x + 8;
        long frames = -1;
        if ((flags & 1) != 0) { frames = (uint)(b[p] << 24 | b[p + 1] << 16 | b[p + 2] << 8 | b[p + 3]); p += 4; }
        if ((flags & 2) != 0) p += 4;
        if ((flags & 4) != 0) p += 100;
        if ((flags & 8) != 0) p += 4;
        if (n < p + 24 || frames < 0) return null;
        for (int i = 0; i < 4; i++) if (b[p + i] is < 0x20 or > 0x7E) return null;   // encoder name, e.g. "LAME", "Lavc"
        int delay = (b[p + 21] << 4) | (b[p + 22] >> 4);
        int padding = ((b[p + 22] & 0x0F) << 8) | b[p + 23];
        long total = frames * samplesPerFrame - delay - padding;
        return total > 0 ? new Mp3GaplessInfo(delay, padding, total) : null;
    }
}
