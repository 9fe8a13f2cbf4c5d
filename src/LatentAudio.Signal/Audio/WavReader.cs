using System.Buffers.Binary;

namespace LatentAudio.Audio;

/// <summary>
/// RIFF/WAVE reader: PCM 8/16/24/32-bit integer, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE, any channel count,
/// chunks in any order (LIST before fmt, odd-sized chunks padded per the RIFF spec). Streams: only the frames
/// asked for are read, and <see cref="Skip"/> seeks.
/// </summary>
public sealed class WavReader : IAudioReader
{
    private const ushort FormatPcm = 1, FormatFloat = 3, FormatExtensible = 0xFFFE;

    private readonly Stream _stream;
    private readonly string _name;
    private readonly bool _isFloat;
    private readonly int _bytesPerSample;
    private readonly int _blockAlign;
    private readonly long _dataStart;
    private readonly long _dataFrames;
    private long _position;
    private byte[] _scratch = [];

    public AudioFormatInfo Format { get; }

    private WavReader(Stream stream, string name, AudioFormatInfo format, bool isFloat, int bytesPerSample, long dataStart, long dataFrames)
    {
        _stream = stream; _name = name; Format = format; _isFloat = isFloat; _bytesPerSample = bytesPerSample;
        _blockAlign = bytesPerSample * format.Channels; _dataStart = dataStart; _dataFrames = dataFrames;
    }

    public static bool LooksLikeWav(ReadOnlySpan<byte> head) =>
        head.Length >= 12 && (head[..4].SequenceEqual("RIFF"u8) || head[..4].SequenceEqual("RF64"u8)) && head[8..12].SequenceEqual("WAVE"u8);

    /// <summary>Parses the header; the stream must be seekable and is owned (disposed) by the reader.</summary>
    public static WavReader Open(Stream stream, string name)
    {
        Span<byte> hdr = stackalloc byte[12];
        if (ReadFully(stream, hdr) < 12 || !LooksLikeWav(hdr))
            throw InvalidInputException.ForFile(name, "not a RIFF/WAVE file (truncated or wrong magic)");

        ushort formatTag = 0, channels = 0, bits = 0, blockAlign = 0; uint rate = 0;
        bool haveFmt = false; long dataStart = -1, dataSize = 0, declaredSize = -1;
        long fileLength = stream.Length;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (stream.Position + 8 <= fileLength)
        {
            ReadFully(stream, chunkHeader);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            long bodyStart = stream.Position;
            if (chunkHeader[..4].SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > 1024) throw InvalidInputException.ForFile(name, $"fmt chunk has invalid size {size}");
                var fmt = new byte[size];
                if (ReadFully(stream, fmt) < size) throw InvalidInputException.ForFile(name, "truncated fmt chunk");
                formatTag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(2));
                rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt.AsSpan(4));
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(12));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(14));
                if (formatTag == FormatExtensible)
                {
                    if (size < 40) throw InvalidInputException.ForFile(name, "WAVE_FORMAT_EXTENSIBLE fmt chunk is too short");
                    // The sub-format GUID starts with the classic format tag (KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT).
                    formatTag = BinaryPrimitives.ReadUInt16LittleEndian(fmt.AsSpan(24));
                }
                haveFmt = true;
            }
            else if (chunkHeader[..4].SequenceEqual("data"u8))
            {
                dataStart = bodyStart;
                // A streaming writer may leave 0 or 0xFFFFFFFF: then the data runs to the end of the file.
                long available = fileLength - bodyStart;
                dataSize = size == 0 || size == uint.MaxValue || size > available ? available : size;
                // The size is a claim of length unless it is a streaming writer's placeholder: 0, 0xFFFFFFFF, or
                // SoX's "unspecified" 0x7FFFF000 (and more) over a shorter file.
                declaredSize = size == 0 || size == uint.MaxValue || (size >= 0x7FFFF000 && size > available) ? -1 : size;
                if (haveFmt) break;
            }
            long next = bodyStart + size + (size & 1);
            if (next > fileLength) break;
            stream.Position = next;
        }

        if (!haveFmt) throw InvalidInputException.ForFile(name, "no fmt chunk (truncated header?)");
        if (dataStart < 0) throw InvalidInputException.ForFile(name, "no data chunk");
        if (channels == 0) throw InvalidInputException.ForFile(name, "zero channels");
        if (rate == 0 || rate > 1_536_000) throw InvalidInputException.ForFile(name, $"invalid sample rate {rate}");
        bool isFloat = formatTag == FormatFloat;
        if (formatTag != FormatPcm && !isFloat)
            throw InvalidInputException.ForFile(name, $"unsupported WAV codec (format tag 0x{formatTag:X4}); only PCM and IEEE float are read");
        if (isFloat ? bits is not (32 or 64) : bits is not (8 or 16 or 24 or 32))
            throw InvalidInputException.ForFile(name, $"unsupported {(isFloat ? "float" : "PCM")} sample size of {bits} bits");
        int bytesPerSample = bits / 8;
        if (blockAlign != bytesPerSample * channels)
            throw InvalidInputException.ForFile(name, $"block align {blockAlign} does not match {channels} channels of {bits} bits");

        long frames = dataSize / blockAlign;
        stream.Position = dataStart;
        var info = new AudioFormatInfo(isFloat ? $"WAV float{bits}" : $"WAV PCM{bits}", (int)rate, channels, frames, bits)
        {
            DeclaredFrames = declaredSize >= 0 ? declaredSize / blockAlign : null,
        };
        return new WavReader(stream, name, info, isFloat, bytesPerSample, dataStart, frames);
    }

    public int Read(Span<float> destination)
    {
        int ch = Format.Channels;
        long framesLeft = _dataFrames - _position;
        int frames = (int)Math.Min(destination.Length / ch, framesLeft);
        if (frames <= 0) return 0;
        int bytes = frames * _blockAlign;
        if (_scratch.Length < bytes) _scratch = new byte[bytes];
        int got = ReadFully(_stream, _scratch.AsSpan(0, bytes));
        frames = got / _blockAlign;
        Convert(_scratch.AsSpan(0, frames * _blockAlign), destination[..(frames * ch)]);
        _position += frames;
        if (frames == 0) _position = _dataFrames;
        return frames;
    }

    public void Skip(long frames)
    {
        _position = Math.Min(_dataFrames, _position + Math.Max(0, frames));
        _stream.Position = _dataStart + _position * _blockAlign;
    }

    private void Convert(ReadOnlySpan<byte> src, Span<float> dst)
    {
        switch (_bytesPerSample, _isFloat)
        {
            case (1, false):
                for (int i = 0; i < dst.Length; i++) dst[i] = (src[i] - 128) / 128f; // 8-bit WAV is unsigned
                break;
            case (2, false):
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]) / 32768f;
                break;
            case (3, false):
                for (int i = 0; i < dst.Length; i++)
                {
                    int v = src[3 * i] | (src[3 * i + 1] << 8) | ((sbyte)src[3 * i + 2] << 16);
                    dst[i] = v / 8388608f;
                }
                break;
            case (4, false):
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)(BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]) / 2147483648.0);
                break;
            case (4, true):
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
                break;
            case (8, true):
                for (int i = 0; i < dst.Length; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(8 * i)..]);
                break;
        }
    }

    // Stream.Read may return fewer bytes than asked before the end: read until full or end of stream.
    private static int ReadFully(Stream s, Span<byte> buffer) => s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);

    public void Dispose() => _stream.Dispose();

    public override string ToString() => $"{_name} ({Format.Codec})";
}
