using System.Buffers.Binary;
using LatentAudio.Codec.Bitstream;
using LatentAudio.Engine;

namespace LatentAudio.Codec.Container;

/// <summary>A window's stored frames as read back from a file.</summary>
public sealed record DecodedWindow(int StreamIndex, LatentWindow Window, LatentBlock Owned, int[] Symbols);

/// <summary>
/// Reads a latent file chunk by chunk. Each corruption class has its own message (bad magic, future version,
/// truncated, header CRC, chunk CRC, inconsistent chunk), always as <see cref="InvalidInputException"/> naming the
/// file. Every length field is capped against the bytes that remain (or a fixed bound for unseekable streams).
/// </summary>
public sealed class LatentFileReader
{
    private readonly Stream _in;
    private readonly string _name;
    private readonly long _size; // -1 when unknown
    private long _pos;

    private LatentFileReader(Stream input, string name)
    {
        _in = input;
        _name = name;
        _size = input.CanSeek ? input.Length - input.Position : -1;
        Header = ReadHeader();
        HeaderBytes = _pos;
    }

    public LatentFileHeader Header { get; }
    public long HeaderBytes { get; }
    /// <summary>Bytes read so far (the whole file once <see cref="ReadWindows"/> has finished).</summary>
    public long BytesRead => _pos;

    public static LatentFileReader Open(Stream input, string name) => new(input, name);

    private InvalidInputException Fail(string problem) => InvalidInputException.ForFile(_name, problem);

    private LatentFileHeader ReadHeader()
    {
        var magic = LatentFileFormat.Magic;
        var pre = new byte[LatentFileFormat.PreambleBytes];
        int got = ReadUpTo(pre);
        int cmp = Math.Min(got, magic.Length);
        if (!pre.AsSpan(0, cmp).SequenceEqual(magic[..cmp]))
            throw Fail("not a LatentAudio latent file (bad magic)");
        if (got < pre.Length) throw Fail($"truncated: the file ends after {got} bytes, inside the preamble");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(pre.AsSpan(8));
        if (version > LatentFileFormat.Version)
            throw Fail($"format version {version} is newer than this build reads (version {LatentFileFormat.Version}); update LatentAudio");
        if (version == 0) throw Fail("format version 0 does not exist (corrupt preamble)");
        uint len = BinaryPrimitives.ReadUInt32LittleEndian(pre.AsSpan(10));
        if (len > LatentFileFormat.MaxHeaderBytes) throw Fail($"header is corrupt: its length field says {len} bytes (at most {LatentFileFormat.MaxHeaderBytes})");
        if (_size >= 0 && len + 4 > _size - _pos) throw Fail($"truncated: the header needs {len + 4} bytes but only {_size - _pos} remain");
        var body = new byte[len];
        ReadExactly(body, "inside the header");
        uint crc = ReadU32("inside the header checksum");
        uint actual = Crc32.Append(Crc32.Compute(pre), body);
        if (crc != actual) throw Fail($"header is corrupt (CRC32 {actual:x8}, stored {crc:x8})");
        var header = LatentFileHeader.Read(new ByteReader(body, _name, "header"), version);
        // every window chunk takes at least MinWindowChunkBytes, so the plan is bounded by the file size
        long windows = WindowCount(header);
        if (_size >= 0 && windows * header.Streams.Length * MinWindowChunkBytes(header) > _size - _pos)
            throw Fail($"truncated or corrupt: the header plans {windows * header.Streams.Length} window chunks, more than the remaining {_size - _pos} bytes can hold");
        return header;
    }

    private static long WindowCount(LatentFileHeader h)
    {
        long f = h.LatentFrames, w = h.WindowMelFrames / h.Downsample, o = h.OverlapMelFrames / h.Downsample;
        return f <= w ? 1 : (f - w + (w - o) - 1) / (w - o) + 1;
    }

    /// <summary>Framing 9 + chunk fields 14 + per channel (step 4, offset 1, predictor 1, 3 models ≥ 3 each) + rANS state 8.</summary>
    private static long MinWindowChunkBytes(LatentFileHeader h) => 9 + 14 + 15L * h.LatentChannels + 8;

    /// <summary>
    /// The window chunks in file order, decoded to dequantised latents, checked against the header's window plan;
    /// finishes by checking the end chunk and that nothing follows it.
    /// </summary>
    public IEnumerable<DecodedWindow> ReadWindows()
    {
        var h = Header;
        var plan = h.Plan();
        int chunkIndex = 0;
        foreach (var window in plan.Windows)
        {
            for (int s = 0; s < h.Streams.Length; s++)
            {
                var (type, payload, offset) = ReadChunk(chunkIndex);
                if (type == LatentFileFormat.EndChunk)
                    throw Fail($"truncated stream: end chunk after {chunkIndex} window chunks, the header's plan has {plan.Windows.Count * h.Streams.Length}");
                var r = new ByteReader(payload, _name, $"chunk {chunkIndex} (byte {offset})");
                int stream = r.U16();
                uint index = r.U32(), ownedStart = r.U32(), ownedFrames = r.U32();
                if (stream != s || index != window.Index || ownedStart != window.OwnedStart || ownedFrames != window.OwnedLength)
                    throw r.Error($"holds stream {stream} window {index} frames [{ownedStart}, +{ownedFrames}), expected stream {s} window {window.Index} frames [{window.OwnedStart}, +{window.OwnedLength})");
                var (latent, symbols) = LatentBlockCoder.ReadBody(r, h.LatentChannels, window.OwnedLength, h.LatentRows, h.PrecisionBits);
                chunkIndex++;
                yield return new DecodedWindow(s, window, latent, symbols);
            }
        }
        var (endType, endPayload, endOffset) = ReadChunk(chunkIndex);
        if (endType != LatentFileFormat.EndChunk) throw Fail($"chunk {chunkIndex} (byte {endOffset}) should be the end chunk: the file holds more windows than its header plans");
        var er = new ByteReader(endPayload, _name, "end chunk");
        uint count = er.U32();
        er.ExpectEnd();
        if (count != chunkIndex) throw er.Error($"counts {count} window chunks, the file holds {chunkIndex}");
        if (_in.ReadByte() >= 0) throw Fail($"unexpected data after the end chunk (byte {_pos})");
    }

    private (byte Type, byte[] Payload, long Offset) ReadChunk(int index)
    {
        long offset = _pos;
        var head = new byte[5];
        int got = ReadUpTo(head);
        if (got == 0) throw Fail($"truncated: the file ends after {index} chunks, without its end chunk");
        if (got < 5) throw Fail($"truncated: the file ends inside the framing of chunk {index} (byte {offset})");
        byte type = head[0];
        if (type != LatentFileFormat.WindowChunk && type != LatentFileFormat.EndChunk)
            throw Fail($"chunk {index} (byte {offset}) is corrupt: unknown chunk type 0x{type:x2}");
        uint len = BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(1));
        long cap = _size >= 0 ? _size - _pos - 4 : LatentFileFormat.MaxChunkBytes;
        if (len > LatentFileFormat.MaxChunkBytes || len > cap)
            throw Fail($"truncated or corrupt: chunk {index} (byte {offset}) declares {len} bytes but only {Math.Max(0, cap)} remain");
        var payload = ReadPayload((int)len, $"inside chunk {index} (byte {offset})");
        uint crc = ReadU32($"inside the checksum of chunk {index} (byte {offset})");
        uint actual = Crc32.Append(Crc32.Compute(head), payload);
        if (crc != actual) throw Fail($"chunk {index} (byte {offset}) is corrupt (CRC32 {actual:x8}, stored {crc:x8})");
        return (type, payload, offset);
    }

    /// <summary>
    /// A chunk's payload. When the stream's length is unknown the declared length is only a claim: the buffer grows
    /// with the bytes that really arrive, so a forged length cannot make the reader allocate 64 MiB up front.
    /// </summary>
    private byte[] ReadPayload(int length, string where)
    {
        if (_size >= 0 || length <= 1 << 16)
        {
            var whole = new byte[length];
            ReadExactly(whole, where);
            return whole;
        }
        var buffer = new byte[1 << 16];
        int filled = 0;
        while (filled < length)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(length, 2L * buffer.Length));
            int n = _in.Read(buffer, filled, buffer.Length - filled);
            if (n <= 0) { _pos += filled; throw Fail($"truncated: the file ends {where} (byte {_pos})"); }
            filled += n;
        }
        _pos += filled;
        return buffer;
    }

    private uint ReadU32(string where)
    {
        var b = new byte[4];
        ReadExactly(b, where);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    private void ReadExactly(byte[] buffer, string where)
    {
        int got = ReadUpTo(buffer);
        if (got < buffer.Length) throw Fail($"truncated: the file ends {where} (byte {_pos})");
    }

    private int ReadUpTo(byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = _in.Read(buffer, total, buffer.Length - total);
            if (n <= 0) break;
            total += n;
        }
        _pos += total;
        return total;
    }
}
