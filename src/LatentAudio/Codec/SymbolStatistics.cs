namespace LatentAudio.Codec;

/// <summary>
/// Zero-order entropy of quantised integers per context (latent channel), and the zstd baseline on them. The zstd
/// baseline is compressed as the integers arrive (only the byte count is kept), so an hour of latent is not held
/// twice over for one number: memory is the compressor's window.
/// </summary>
public sealed class SymbolStatistics : IDisposable
{
    private const int Level = 19;
    private readonly Dictionary<int, long>[] _counts;
    private readonly CountingStream _compressed = new();
    private readonly ZstdSharp.CompressionStream _zstd;
    private readonly byte[] _int16 = new byte[1 << 14];
    private long _zstdBytes = -1;

    /// <param name="contexts">Contexts (latent channels) per block.</param>
    /// <param name="expectedValues">Values that will be added in all, when known: zstd then records the size in its frame header as a one-shot compression does.</param>
    public SymbolStatistics(int contexts, long expectedValues = -1)
    {
        _counts = Enumerable.Range(0, contexts).Select(_ => new Dictionary<int, long>()).ToArray();
        _zstd = new ZstdSharp.CompressionStream(_compressed, Level, leaveOpen: true);
        if (expectedValues >= 0) _zstd.SetPledgedSrcSize((ulong)expectedValues * 2);
    }

    public long Values { get; private set; }

    /// <summary>Adds channel-major symbols [contexts, perContext].</summary>
    public void Add(ReadOnlySpan<int> symbols)
    {
        if (_zstdBytes >= 0) throw new InvalidOperationException("the zstd baseline was already taken");
        int per = symbols.Length / _counts.Length;
        int fill = 0;
        for (int i = 0; i < symbols.Length; i++)
        {
            var d = _counts[i / per];
            d[symbols[i]] = d.GetValueOrDefault(symbols[i]) + 1;
            short v = (short)Math.Clamp(symbols[i], short.MinValue, short.MaxValue);
            _int16[fill++] = (byte)v;
            _int16[fill++] = (byte)(v >> 8);
            if (fill == _int16.Length) { _zstd.Write(_int16, 0, fill); fill = 0; }
        }
        _zstd.Write(_int16, 0, fill);
        Values += symbols.Length;
    }

    /// <summary>Σ_c Σ_k −n_ck log2(n_ck / n_c).</summary>
    public double EntropyBits()
    {
        double bits = 0;
        foreach (var d in _counts)
        {
            double n = d.Values.Sum();
            foreach (var c in d.Values) bits -= c * Math.Log2(c / n);
        }
        return bits;
    }

    /// <summary>zstd -19 bytes of every added integer as little-endian int16 (ends the stream: add nothing after).</summary>
    public long ZstdBytes()
    {
        if (_zstdBytes < 0)
        {
            _zstd.Dispose(); // writes the last block and the frame epilogue
            _zstdBytes = _compressed.Length;
        }
        return _zstdBytes;
    }

    public static long ZstdBytes(byte[] data, int level = Level)
    {
        using var z = new ZstdSharp.Compressor(level);
        return z.Wrap(data).Length;
    }

    public void Dispose()
    {
        // After a failed encode the pledged size is unmet and zstd refuses to end the frame: that must not hide the
        // encode's own exception.
        try { _zstd.Dispose(); }
        catch (ZstdSharp.ZstdException) when (_zstdBytes < 0) { }
    }

    /// <summary>A write-only sink that only counts.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
