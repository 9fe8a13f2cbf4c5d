namespace LatentAudio.Audio;

/// <summary>
/// A read-only, seekable view of a stream with a few bytes shown differently (<see cref="Mp3SizeClaims"/>). The inner
/// stream stays owned by the caller.
/// </summary>
internal sealed class PatchedReadStream(Stream inner, IReadOnlyList<BytePatch> patches) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        long start = inner.Position;
        int n = inner.Read(buffer);
        foreach (var p in patches)
        {
            long from = Math.Max(start, p.Position), to = Math.Min(start + n, p.Position + p.Bytes.Length);
            for (long i = from; i < to; i++) buffer[(int)(i - start)] = p.Bytes[i - p.Position];
        }
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
