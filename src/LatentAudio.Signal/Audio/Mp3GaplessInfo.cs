namespace LatentAudio.Audio;

/// <summary>
/// How many decoded samples are priming and padding, decided as LAME 3.100's own decoder (<c>lame --decode</c>) does:
/// frontend/get_audio.c (setSkipStartAndEnd) with the Xing/Info tag as libmp3lame/VbrTag.c (GetVbrTag) reads it.
/// <list type="bullet">
/// <item>The tag is looked for in the first frame only, after the Layer III side information; its LAME extension's
/// encoder delay and padding are two 12-bit fields 21 bytes after the 9-byte encoder string, read whatever the
/// encoder string says (LAME, FFmpeg's "Lavc") and ignored one by one when above 3000 (an old Xing header).</item>
/// <item>With a usable field: the first delay + 529 decoded samples are dropped (529 = 528 + 1, the decoder's own
/// delay: polyphase filterbank and IMDCT overlap), and the last padding − 529 (none when the padding is smaller);
/// a missing delay with a usable padding drops nothing at the start, as LAME does.</item>
/// <item>Without a tag (or with neither field usable): only the decoder's 529 samples are dropped, nothing at the
/// end. The encoder's own delay (576 for LAME) then stays at the start, as it does with <c>lame --decode</c>.</item>
/// <item>Layers I and II (no tag): the decoder's 241 samples (240 + 1) are dropped, nothing at the end.</item>
/// </list>
/// NLayer 3.0.1 has the same 529-sample decoder delay as mpglib (measured, see docs/audio-formats-mp3.md) but trims
/// by itself the delay and padding of a tag whose encoder string is "LAME" (and of an iTunSMPB comment), without the
/// 529 and so ending 529 samples early. <see cref="HideFromNLayer"/> shows it those fields as zero so that it returns
/// every decoded sample and the rule above is applied once, by <see cref="Mp3Reader"/>.
/// </summary>
internal sealed record Mp3GaplessInfo(int SkipStart, int SkipEnd, long? TotalSamples, IReadOnlyList<BytePatch> HideFromNLayer)
{
    /// <summary>
    /// <see cref="TotalSamples"/> is exact (the tag's frame count with LAME's delay and padding fields), so a stream
    /// that decodes to fewer samples was cut short; a bare Xing count, or no tag, declares nothing that exact.
    /// </summary>
    public bool ExactLength { get; init; }

    /// <summary>LAME's decoder delay for Layer III, 528 + 1 samples (get_audio.c).</summary>
    public const int DecoderDelay = 529;

    /// <summary>Largest delay or padding GetVbrTag accepts; above it the field counts as absent.</summary>
    public const int MaxField = 3000;

    /// <summary>LAME's decoder delay for Layers I and II, 240 + 1 samples (get_audio.c: no IMDCT, the filterbank only).</summary>
    public const int DecoderDelayLayerIOrII = 241;

    /// <summary>A stream without a tag: the decoder's delay only.</summary>
    public static Mp3GaplessInfo NoTag { get; } = new(DecoderDelay, 0, null, []);

    /// <summary>Reads the tag from the first frame at <paramref name="frameOffset"/>; <see cref="NoTag"/> when there is none.</summary>
    public static Mp3GaplessInfo Read(Stream stream, long frameOffset)
    {
        var hideTxxx = HideTxxxFrames(stream);
        var b = new byte[4 + 32 + 8 + 4 + 4 + 100 + 4 + 24];
        stream.Position = frameOffset;
        int n = stream.ReadAtLeast(b, b.Length, throwOnEndOfStream: false);
        var none = hideTxxx.Count == 0 ? NoTag : NoTag with { HideFromNLayer = hideTxxx };
        if (n < 4 || !Mp3Reader.LooksLikeMpegFrame(b)) return none;
        bool mpeg1 = ((b[1] >> 3) & 3) == 3;
        bool mono = (b[3] >> 6) == 3;
        // ISO 11172-3 / 13818-3: Layer III side information is 32/17 bytes (MPEG-1 stereo/mono), 17/9 (MPEG-2/2.5).
        int sideInfo = mpeg1 ? (mono ? 17 : 32) : (mono ? 9 : 17);
        int samplesPerFrame = mpeg1 ? 1152 : 576;
        int x = 4 + sideInfo;
        if (((b[1] >> 1) & 3) != 1) return none with { SkipStart = DecoderDelayLayerIOrII };   // layer bits 01 = Layer III
        if (n < x + 8) return none;
        var tag = b.AsSpan(x, 4);
        if (!tag.SequenceEqual("Xing"u8) && !tag.SequenceEqual("Info"u8)) return none;
        int flags = b[x + 7];
        int p = x + 8;
        long frames = 0;
        if ((flags & 1) != 0) { frames = (uint)(b[p] << 24 | b[p + 1] << 16 | b[p + 2] << 8 | b[p + 3]); p += 4; }
        if ((flags & 2) != 0) p += 4;
        if ((flags & 4) != 0) p += 100;
        if ((flags & 8) != 0) p += 4;
        if (n < p + 24) return none;   // GetVbrTag reads these bytes whatever they hold; a frame this short has none
        int delay = (b[p + 21] << 4) | (b[p + 22] >> 4);
        int padding = ((b[p + 22] & 0x0F) << 8) | b[p + 23];
        bool hasDelay = delay <= MaxField, hasPadding = padding <= MaxField;
        int skipStart = DecoderDelay, skipEnd = 0;
        if (hasDelay || hasPadding)
        {
            skipStart = hasDelay ? delay + DecoderDelay : 0;
            skipEnd = hasPadding ? Math.Max(0, padding - DecoderDelay) : 0;
        }
        // mpglib's sample count (totalframes × samples per frame) less what is skipped; unknown without a frame count.
        long? total = frames > 0 ? Math.Max(0, frames * samplesPerFrame - skipStart - skipEnd) : null;
        var hide = new List<BytePatch>(hideTxxx) { new(frameOffset + p + 21, [0, 0, 0]) };
        return new Mp3GaplessInfo(skipStart, skipEnd, total, hide) { ExactLength = total is not null && (hasDelay || hasPadding) };
    }

    /// <summary>
    /// NLayer reads an iTunSMPB comment from the TXXX frames of a leading ID3v2.3/2.4 tag (ID3Frame.ParseV2) and trims
    /// by it when the LAME fields are zero; LAME's decoder ignores it. Each TXXX frame NLayer's walk would meet is shown
    /// to it as "TXXx" (NLayer reads nothing else from TXXX frames).
    /// </summary>
    private static List<BytePatch> HideTxxxFrames(Stream stream)
    {
        var patches = new List<BytePatch>();
        var h = new byte[10];
        stream.Position = 0;
        if (stream.ReadAtLeast(h, 10, throwOnEndOfStream: false) < 10 || !h.AsSpan(0, 3).SequenceEqual("ID3"u8)) return patches;
        int version = h[3];
        if (version is not (3 or 4)) return patches;
        long end = 10L + (h[6] << 21 | h[7] << 14 | h[8] << 7 | h[9]);
        for (long i = 10; i < end;)
        {
            stream.Position = i;
            if (stream.ReadAtLeast(h, 10, throwOnEndOfStream: false) < 10 || h[0] == 0) break;
            long size = version == 4 ? h[4] << 21 | h[5] << 14 | h[6] << 7 | h[7] : (uint)(h[4] << 24 | h[5] << 16 | h[6] << 8 | h[7]);
            if (size <= 0 || size > int.MaxValue) break;
            if (h.AsSpan(0, 4).SequenceEqual("TXXX"u8)) patches.Add(new BytePatch(i + 3, [(byte)'x']));
            i += 10 + size;
        }
        return patches;
    }
}
