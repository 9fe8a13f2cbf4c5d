namespace LatentAudio.Audio;

/// <summary>
/// A pass-through read stream that stops a decoder spinning at the end of its input: NVorbis 0.10.5 can loop for
/// ever in PageReaderBase.ReadNextPage on a damaged page structure, asking the exhausted stream for bytes about a
/// million times a second (AFL finding hang_splice.ogg), or for zero bytes (hang_reread_headers.ogg: its overflow
/// buffer re-serves the same bytes while it opens a stream whose headers never complete, so each read asks for
/// none). A well-behaved reader asks a few times (NVorbis's EnsureRead tries 10) and stops, so a long run of reads
/// that return nothing, whatever they asked for, is reported as bad input. Owns the inner stream.
/// </summary>
internal sealed class StallGuardStream(Stream inner, string name, string what) : Stream
{
    /// <summary>
    /// Empty reads in a row allowed. 100,000 was too many: NVorbis allocates about 3 KB per empty read in the loop of
    /// AFL finding empty_reads_allocate.ogg (2026-12-05), past the fuzz contract's 64 MB; NVorbis itself gives up after 10.
    /// </summary>
    public const int MaxEmptyReadsInARow = 1_000;

    private int _emptyReads;

    public override bool CanRead => true;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    private int Count(int n)
    {
        if (n > 0) { _emptyReads = 0; return n; }
        if (++_emptyReads > MaxEmptyReadsInARow)
            throw InvalidInputException.ForFile(name, $"{what} decoder made no progress at the end of the stream (damaged page structure)");
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
