namespace LatentAudio.Audio.Flac;

/// <summary>The STREAMINFO metadata block (RFC 9639 §8.2): what every frame is checked against.</summary>
internal sealed record FlacStreamInfo(
    int MinBlockSize,
    int MaxBlockSize,
    int MinFrameSize,
    int MaxFrameSize,
    int SampleRate,
    int Channels,
    int BitsPerSample,
    /// <summary>Interchannel samples in the stream; 0 means unknown.</summary>
    long TotalSamples)
{
    public const int Length = 34;

    public static FlacStreamInfo Parse(ReadOnlySpan<byte> b, string name)
    {
        if (b.Length < Length) throw InvalidInputException.ForFile(name, "FLAC STREAMINFO block is too short");
        int minBlock = (b[0] << 8) | b[1], maxBlock = (b[2] << 8) | b[3];
        int minFrame = (b[4] << 16) | (b[5] << 8) | b[6], maxFrame = (b[7] << 16) | (b[8] << 8) | b[9];
        int rate = (b[10] << 12) | (b[11] << 4) | (b[12] >> 4);
        int channels = ((b[12] >> 1) & 7) + 1;
        int bps = (((b[12] & 1) << 4) | (b[13] >> 4)) + 1;
        long total = ((long)(b[13] & 0x0F) << 32) | ((long)b[14] << 24) | ((long)b[15] << 16) | ((long)b[16] << 8) | b[17];
        // RFC 9639 §8.2: block sizes below 16 are invalid except for the last frame; 4-32 bits per sample.
        if (minBlock < 16 || maxBlock < minBlock)
            throw InvalidInputException.ForFile(name, $"FLAC STREAMINFO has invalid block sizes {minBlock}..{maxBlock}");
        if (rate == 0) throw InvalidInputException.ForFile(name, "FLAC STREAMINFO has sample rate 0");
        if (bps < 4) throw InvalidInputException.ForFile(name, $"FLAC STREAMINFO has unsupported {bps} bits per sample");
        return new FlacStreamInfo(minBlock, maxBlock, minFrame, maxFrame, rate, channels, bps, total);
    }
}
