namespace LatentAudio.Audio.Flac;

/// <summary>
/// Streaming FLAC decoder (RFC 9639), written for LatentAudio: one frame is decoded at a time, every frame's
/// CRC-8 and CRC-16 are checked, and <see cref="Skip"/> seeks by frame headers so a window deep into a long file
/// does not decode what lies before it. Any malformed byte surfaces as <see cref="InvalidInputException"/>.
/// </summary>
public sealed partial class FlacReader : IAudioReader, IStreamEndCheck
{
    private readonly Stream _stream;
    private readonly string _name;
    private readonly FlacStreamInfo _info;
    private readonly FlacBitReader _bits;
    private readonly long _firstFrameOffset;
    private readonly long[][] _block;
    private readonly double _scale;
    private int _frameLength, _frameOffset;
    private long _nextSample;        // stream index of the sample after the decoded frame
    private bool _ended;

    public AudioFormatInfo Format { get; }

    private FlacReader(Stream stream, string name, FlacStreamInfo info, long firstFrameOffset)
    {
        _stream = stream; _name = name; _info = info; _firstFrameOffset = firstFrameOffset;
        // The largest legal frame: 8 channels of 65535 verbatim 33-bit samples plus headers; never more than the file.
        int maxFrame = (int)Math.Min(8L * (65535 * 33 / 8 + 64) + 64, stream.Length - firstFrameOffset + 16);
        _bits = new FlacBitReader(stream, name, firstFrameOffset, Math.Max(maxFrame, 64));
        _block = new long[info.Channels][];
        for (int c = 0; c < info.Channels; c++) _block[c] = [];
        _scale = 1.0 / (1L << (info.BitsPerSample - 1));
        long? total = info.TotalSamples > 0 ? info.TotalSamples : null;
        Format = new AudioFormatInfo("FLAC", info.SampleRate, info.Channels, total, info.BitsPerSample) { DeclaredFrames = total };
    }

    /// <summary>The "fLaC" stream marker (after any ID3v2 tag, which the caller skips when sniffing).</summary>
    public static bool LooksLikeFlac(ReadOnlySpan<byte> head) => head.Length >= 4 && head[..4].SequenceEqual("fLaC"u8);

    /// <summary>Reads the metadata blocks; the stream must be seekable and is owned by the reader from then on.</summary>
    public static FlacReader Open(Stream stream, string name)
    {
        var (info, firstFrame) = FlacMetadata.Read(stream, name);
        return new FlacReader(stream, name, info, firstFrame);
    }

    public int Read(Span<float> destination)
    {
        int ch = _info.Channels, want = destination.Length / ch, written = 0;
        while (written < want)
        {
            if (_frameOffset == _frameLength && !DecodeFrame()) break;
            int n = Math.Min(want - written, _frameLength - _frameOffset);
            var dst = destination.Slice(written * ch, n * ch);
            for (int c = 0; c < ch; c++)
            {
                var src = _block[c].AsSpan(_frameOffset, n);
                for (int i = 0; i < n; i++) dst[i * ch + c] = (float)(src[i] * _scale);
            }
            _frameOffset += n; written += n;
        }
        return written;
    }

    /// <summary>As <see cref="Read"/>, but the decoded integers themselves (for bit-exact checks against libFLAC).</summary>
    internal int ReadIntegers(Span<long> destination)
    {
        int ch = _info.Channels, want = destination.Length / ch, written = 0;
        while (written < want)
        {
            if (_frameOffset == _frameLength && !DecodeFrame()) break;
            int n = Math.Min(want - written, _frameLength - _frameOffset);
            for (int c = 0; c < ch; c++)
                for (int i = 0; i < n; i++) destination[(written + i) * ch + c] = _block[c][_frameOffset + i];
            _frameOffset += n; written += n;
        }
        return written;
    }

    public void Skip(long frames)
    {
        if (frames <= 0) return;
        long target = _nextSample - (_frameLength - _frameOffset) + frames;
        if (frames - (_frameLength - _frameOffset) > SeekThresholdBlocks * (long)_info.MaxBlockSize && !_ended)
        {
            _frameOffset = _frameLength;   // the rest of the current frame is skipped either way
            SeekToFrameBefore(target);
            frames = target - _nextSample;
        }
        while (frames > 0)
        {
            if (_frameOffset == _frameLength && !DecodeFrame()) return;
            int n = (int)Math.Min(frames, _frameLength - _frameOffset);
            _frameOffset += n; frames -= n;
        }
    }

    /// <summary>Decodes the next frame into <see cref="_block"/>; false at the end of the stream.</summary>
    private bool DecodeFrame()
    {
        _frameLength = _frameOffset = 0;
        if (_ended) return false;
        long total = _info.TotalSamples;
        if ((total > 0 && _nextSample >= total) || !_bits.HasMoreData()) return End();
        int sync = _bits.Peek16();
        if (sync < 0 || (sync & 0xFFFE) != 0xFFF8)
        {
            // Trailing bytes after the last frame (an ID3v1 tag, say) are tolerated when the length is unknown.
            if (total == 0 && _nextSample > 0) return End();
            throw _bits.Malformed("lost frame sync");
        }

        int n;
        try { n = DecodeFrameAtCursor().BlockSize; }
        catch (FlacTruncatedException)
        {
            // The file ends inside this frame: it was cut short. Whether that is refused is the caller's rule
            // (AudioFile's truncation check), against STREAMINFO's total or, without one, this mark.
            CutShort = "the stream ends inside a frame";
            _ended = true;
            return false;
        }

        _frameLength = total > 0 ? (int)Math.Min(n, total - _nextSample) : n;
        _nextSample += _frameLength;
        return true;
    }

    /// <summary>Decodes the frame at the reader's position into <see cref="_block"/>, checking both CRCs.</summary>
    private FlacFrameHeader DecodeFrameAtCursor()
    {
        _bits.Mark();
        var header = FlacFrameHeader.Read(_bits, _info);
        if (header.Channels != _info.Channels)
            throw _bits.Malformed($"frame has {header.Channels} channels, STREAMINFO says {_info.Channels}");
        if (header.BitsPerSample != _info.BitsPerSample)
            throw _bits.Malformed($"frame has {header.BitsPerSample} bits per sample, STREAMINFO says {_info.BitsPerSample}");
        if (header.BlockSize > _info.MaxBlockSize)
            throw _bits.Malformed($"block size {header.BlockSize} exceeds STREAMINFO maximum {_info.MaxBlockSize}");

        int n = header.BlockSize;
        for (int c = 0; c < _info.Channels; c++)
        {
            if (_block[c].Length < n) _block[c] = new long[n];
            bool side = header.Assignment switch
            {
                FlacChannelAssignment.LeftSide or FlacChannelAssignment.MidSide => c == 1,
                FlacChannelAssignment.RightSide => c == 0,
                _ => false,
            };
            FlacSubframe.Decode(_bits, _block[c].AsSpan(0, n), header.BitsPerSample + (side ? 1 : 0));
        }
        _bits.AlignToByte();
        ushort crc = FlacCrc.Crc16(_bits.BytesSinceMark());
        if (_bits.ReadBits(16) != crc) throw _bits.Malformed("frame CRC-16 mismatch (corrupt data)");
        Decorrelate(header.Assignment, n);
        return header;
    }

    /// <summary>The end of the frames; fewer than STREAMINFO's total is the caller's to judge (<see cref="AudioFormatInfo.DeclaredFrames"/>).</summary>
    private bool End()
    {
        _ended = true;
        return false;
    }

    /// <inheritdoc/>
    public string? CutShort { get; private set; }

    /// <summary>Undoes inter-channel decorrelation (RFC 9639 §4.2).</summary>
    private void Decorrelate(FlacChannelAssignment assignment, int n)
    {
        if (assignment == FlacChannelAssignment.Independent) return;
        var a = _block[0].AsSpan(0, n);
        var b = _block[1].AsSpan(0, n);
        switch (assignment)
        {
            case FlacChannelAssignment.LeftSide:   // a = left, b = side = left - right
                for (int i = 0; i < n; i++) b[i] = a[i] - b[i];
                break;
            case FlacChannelAssignment.RightSide:  // a = side, b = right
                for (int i = 0; i < n; i++) a[i] += b[i];
                break;
            case FlacChannelAssignment.MidSide:    // a = mid = (left + right) >> 1, b = side; the lost bit of mid is side's
                for (int i = 0; i < n; i++)
                {
                    long mid = (a[i] << 1) | (b[i] & 1), side = b[i];
                    a[i] = (mid + side) >> 1;
                    b[i] = (mid - side) >> 1;
                }
                break;
        }
    }

    public void Dispose() => _stream.Dispose();

    public override string ToString() => $"{_name} (FLAC)";
}
