using LatentAudio.Codec.Bitstream;
using LatentAudio.Engine;

namespace LatentAudio.Codec.Container;

/// <summary>
/// Writes a latent file to a stream as it is produced: preamble + header + CRC first, then one framed chunk per
/// coded window (type, length, payload, CRC32), then the end chunk. Nothing is buffered beyond one chunk.
/// </summary>
public sealed class LatentFileWriter
{
    private readonly Stream _out;
    private int _windowChunks;
    private bool _finished;

    public LatentFileWriter(Stream output, LatentFileHeader header)
    {
        _out = output;
        var body = new ByteWriter();
        header.Write(body);
        var head = new ByteWriter();
        head.Bytes(LatentFileFormat.Magic);
        head.U16(LatentFileFormat.Version);
        head.U32((uint)body.Length);
        head.Bytes(body.ToArray());
        var bytes = head.ToArray();
        _out.Write(bytes);
        WriteU32(Crc32.Compute(bytes));
        HeaderBytes = bytes.Length + 4;
        BytesWritten = HeaderBytes;
    }

    public long HeaderBytes { get; }
    public long BytesWritten { get; private set; }

    public void WriteWindow(int streamIndex, LatentWindow window, CodedBlock block)
    {
        var w = new ByteWriter();
        w.U16((ushort)streamIndex);
        w.U32((uint)window.Index);
        w.U32((uint)window.OwnedStart);
        w.U32((uint)window.OwnedLength);
        LatentBlockCoder.WriteBody(block, w);
        WriteChunk(LatentFileFormat.WindowChunk, w.ToArray());
        _windowChunks++;
    }

    public void Finish()
    {
        if (_finished) return;
        var w = new ByteWriter();
        w.U32((uint)_windowChunks);
        WriteChunk(LatentFileFormat.EndChunk, w.ToArray());
        _out.Flush();
        _finished = true;
    }

    private void WriteChunk(byte type, byte[] payload)
    {
        var head = new ByteWriter();
        head.U8(type);
        head.U32((uint)payload.Length);
        var h = head.ToArray();
        _out.Write(h);
        _out.Write(payload);
        WriteU32(Crc32.Append(Crc32.Compute(h), payload));
        BytesWritten += h.Length + payload.Length + 4;
    }

    private void WriteU32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        _out.Write(b);
    }
}
