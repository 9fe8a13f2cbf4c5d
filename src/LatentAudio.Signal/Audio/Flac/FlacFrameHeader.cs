namespace LatentAudio.Audio.Flac;

/// <summary>How the two channels of a stereo frame are coded (RFC 9639 §9.1.3).</summary>
internal enum FlacChannelAssignment { Independent, LeftSide, RightSide, MidSide }

/// <summary>A parsed frame header (RFC 9639 §9.1), CRC-8 checked.</summary>
internal readonly record struct FlacFrameHeader(
    bool VariableBlockSize,
    int BlockSize,
    int SampleRate,
    int Channels,
    FlacChannelAssignment Assignment,
    int BitsPerSample,
    /// <summary>Frame number (fixed block size) or first sample number (variable block size).</summary>
    long Number)
{
    /// <summary>Index of the first sample of this frame in the stream.</summary>
    public long FirstSample(FlacStreamInfo info) => VariableBlockSize ? Number : Number * info.MaxBlockSize;

    /// <summary>
    /// Parses a header at the reader's (byte-aligned) position, which <see cref="FlacBitReader.Mark"/> must have
    /// marked. Fields coded as "from STREAMINFO" are taken from <paramref name="info"/>.
    /// </summary>
    public static FlacFrameHeader Read(FlacBitReader r, FlacStreamInfo info)
    {
        uint sync = r.ReadBits(15);
        if (sync != 0x7FFC) throw r.Malformed("lost frame sync");
        bool variable = r.ReadBit();
        int blockCode = (int)r.ReadBits(4), rateCode = (int)r.ReadBits(4);
        int channelCode = (int)r.ReadBits(4), sizeCode = (int)r.ReadBits(3);
        if (r.ReadBit()) throw r.Malformed("reserved frame header bit set");
        long number = ReadCodedNumber(r, variable);

        int blockSize = blockCode switch
        {
            0 => throw r.Malformed("reserved block size code"),
            1 => 192,
            >= 2 and <= 5 => 576 << (blockCode - 2),
            6 => (int)r.ReadBits(8) + 1,
            7 => (int)r.ReadBits(16) + 1,
            _ => 256 << (blockCode - 8),
        };
        if (blockSize > 65535) throw r.Malformed($"block size {blockSize} exceeds 65535");
        int sampleRate = rateCode switch
        {
            0 => info.SampleRate,
            1 => 88200, 2 => 176400, 3 => 192000, 4 => 8000, 5 => 16000, 6 => 22050, 7 => 24000,
            8 => 32000, 9 => 44100, 10 => 48000, 11 => 96000,
            12 => (int)r.ReadBits(8) * 1000,
            13 => (int)r.ReadBits(16),
            14 => (int)r.ReadBits(16) * 10,
            _ => throw r.Malformed("invalid sample rate code 15"),
        };
        var (channels, assignment) = channelCode switch
        {
            <= 7 => (channelCode + 1, FlacChannelAssignment.Independent),
            8 => (2, FlacChannelAssignment.LeftSide),
            9 => (2, FlacChannelAssignment.RightSide),
            10 => (2, FlacChannelAssignment.MidSide),
            _ => throw r.Malformed($"reserved channel assignment {channelCode}"),
        };
        int bps = sizeCode switch
        {
            0 => info.BitsPerSample,
            1 => 8, 2 => 12, 4 => 16, 5 => 20, 6 => 24, 7 => 32,
            _ => throw r.Malformed("reserved sample size code 3"),
        };
        byte crc = FlacCrc.Crc8(r.BytesSinceMark());
        if (r.ReadByte() != crc) throw r.Malformed("frame header CRC-8 mismatch");
        return new FlacFrameHeader(variable, blockSize, sampleRate, channels, assignment, bps, number);
    }

    /// <summary>The UTF-8-like coded frame/sample number (RFC 9639 §9.1.5): up to 7 bytes, 36 bits.</summary>
    private static long ReadCodedNumber(FlacBitReader r, bool variable)
    {
        int first = r.ReadByte();
        int extra;
        long value;
        if (first < 0x80) return first;
        else if ((first & 0xE0) == 0xC0) { extra = 1; value = first & 0x1F; }
        else if ((first & 0xF0) == 0xE0) { extra = 2; value = first & 0x0F; }
        else if ((first & 0xF8) == 0xF0) { extra = 3; value = first & 0x07; }
        else if ((first & 0xFC) == 0xF8) { extra = 4; value = first & 0x03; }
        else if ((first & 0xFE) == 0xFC) { extra = 5; value = first & 0x01; }
        else if (first == 0xFE && variable) { extra = 6; value = 0; }
        else throw r.Malformed("invalid coded frame number");
        for (int i = 0; i < extra; i++)
        {
            int b = r.ReadByte();
            if ((b & 0xC0) != 0x80) throw r.Malformed("invalid coded frame number");
            value = (value << 6) | (uint)(b & 0x3F);
        }
        return value;
    }
}
