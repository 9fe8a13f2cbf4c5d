using System.Buffers.Binary;
using System.Numerics;

namespace LatentAudio.Audio.Flac;

/// <summary>
/// MSB-first bit reader over a seekable stream, buffered so that the bytes of the current frame stay in memory
/// (from <see cref="Mark"/> on) for its CRC checks. Running out of bytes is malformed input, never an exception
/// of another kind. The buffer never grows past <c>maxBuffer</c>, so a hostile file cannot make it huge.
/// </summary>
internal sealed class FlacBitReader
{
    // Zero bytes kept after the valid data so an 8-byte big-endian load never runs off the array.
    private const int Padding = 8;

    private readonly Stream _stream;
    private readonly string _name;
    private readonly int _maxBuffer;
    private byte[] _buf;
    private int _end;            // valid bytes in _buf
    private int _bitPos;         // next bit to read, counted from _buf[0]
    private int _mark = -1;      // byte index that must stay buffered (frame start), or -1
    private long _bufStart;      // stream offset of _buf[0]

    public FlacBitReader(Stream stream, string name, long startOffset, int maxBuffer)
    {
        _stream = stream; _name = name; _maxBuffer = maxBuffer;
        _buf = new byte[Math.Min(1 << 16, maxBuffer) + Padding];
        Reset(startOffset);
    }

    /// <summary>Stream offset of the next unread byte (the reader must be byte-aligned for this to be exact).</summary>
    public long Position => _bufStart + (_bitPos >> 3);

    public bool IsByteAligned => (_bitPos & 7) == 0;

    public void Reset(long streamOffset)
    {
        _stream.Position = streamOffset;
        _bufStart = streamOffset; _end = 0; _bitPos = 0; _mark = -1;
        Array.Clear(_buf, 0, Padding);
    }

    /// <summary>Remembers the current (byte-aligned) position: bytes from here on are kept for <see cref="BytesSinceMark"/>.</summary>
    public void Mark() => _mark = _bitPos >> 3;

    /// <summary>The bytes read since <see cref="Mark"/> (whole bytes only).</summary>
    public ReadOnlySpan<byte> BytesSinceMark() => _buf.AsSpan(_mark, (_bitPos >> 3) - _mark);

    /// <summary>True when at least one more byte can be read.</summary>
    public bool HasMoreData() => (_bitPos >> 3) < _end || Refill();

    /// <summary>Peeks the next 16 bits without consuming them, or -1 when fewer than two bytes remain.</summary>
    public int Peek16()
    {
        while (_bitPos + 16 > _end * 8L) if (!Refill()) return -1;
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(_buf.AsSpan(_bitPos >> 3)) << (_bitPos & 7) >> 48);
    }

    public uint ReadBits(int n)
    {
        if (n == 0) return 0;
        Ensure(n);
        ulong w = BinaryPrimitives.ReadUInt64BigEndian(_buf.AsSpan(_bitPos >> 3)) << (_bitPos & 7);
        _bitPos += n;
        return (uint)(w >> (64 - n));
    }

    /// <summary>Two's-complement value of <paramref name="n"/> bits (n ≤ 33, for the side channel of 32-bit audio).</summary>
    public long ReadSigned(int n)
    {
        if (n == 0) return 0;
        Ensure(n);
        ulong w = BinaryPrimitives.ReadUInt64BigEndian(_buf.AsSpan(_bitPos >> 3)) << (_bitPos & 7);
        _bitPos += n;
        return (long)w >> (64 - n);
    }

    public bool ReadBit() => ReadBits(1) != 0;

    public byte ReadByte() => (byte)ReadBits(8);

    /// <summary>Counts zero bits up to the next one bit (which is consumed); larger than <paramref name="limit"/> is malformed.</summary>
    public uint ReadUnary(uint limit)
    {
        uint count = 0;
        while (true)
        {
            if ((_bitPos >> 3) >= _end && !Refill()) throw Truncated();
            int shift = _bitPos & 7;
            ulong w = BinaryPrimitives.ReadUInt64BigEndian(_buf.AsSpan(_bitPos >> 3)) << shift;
            int valid = (int)Math.Min(64 - shift, _end * 8L - _bitPos);
            int zeros = BitOperations.LeadingZeroCount(w);
            if (zeros < valid)
            {
                count += (uint)zeros;
                _bitPos += zeros + 1;
                if (count > limit) throw Malformed("unary code too long");
                return count;
            }
            count += (uint)valid;
            _bitPos += valid;
            if (count > limit) throw Malformed("unary code too long");
        }
    }

    /// <summary>Drops the bits up to the next byte boundary (they must be zero: RFC 9639 §9.3 frame padding).</summary>
    public void AlignToByte()
    {
        int pad = (8 - (_bitPos & 7)) & 7;
        if (pad > 0 && ReadBits(pad) != 0) throw Malformed("non-zero frame padding bits");
    }

    public InvalidInputException Malformed(string what) =>
        InvalidInputException.ForFile(_name, $"malformed FLAC data near byte {Position}: {what}");

    public InvalidInputException Truncated() =>
        new FlacTruncatedException($"{_name}: FLAC stream is truncated (ends inside a frame at byte {_bufStart + _end})");

    private void Ensure(int bits)
    {
        while (_bitPos + bits > _end * 8L)
            if (!Refill()) throw Truncated();
    }

    /// <summary>Reads more bytes from the stream; false at its end.</summary>
    private bool Refill()
    {
        int keep = _mark >= 0 ? Math.Min(_mark, _bitPos >> 3) : _bitPos >> 3;
        if (keep > 0)
        {
            Buffer.BlockCopy(_buf, keep, _buf, 0, _end - keep);
            _end -= keep; _bitPos -= keep * 8; _bufStart += keep;
            if (_mark >= 0) _mark -= keep;
        }
        int capacity = _buf.Length - Padding;
        if (_end == capacity)
        {
            if (capacity >= _maxBuffer) throw Malformed($"frame larger than the largest possible FLAC frame ({_maxBuffer} bytes)");
            var bigger = new byte[Math.Min((long)capacity * 2, _maxBuffer) + Padding];
            Buffer.BlockCopy(_buf, 0, bigger, 0, _end);
            _buf = bigger;
            capacity = _buf.Length - Padding;
        }
        int n;
        try { n = _stream.Read(_buf, _end, capacity - _end); }
        catch (IOException e) { throw InvalidInputException.ForFile(_name, $"read error ({e.Message})"); }
        _end += n;
        Array.Clear(_buf, _end, Padding);
        return n > 0;
    }
}

/// <summary>The bytes ran out inside a frame: the file was cut short (see <see cref="FlacReader"/>).</summary>
internal sealed class FlacTruncatedException(string message) : InvalidInputException(message);
