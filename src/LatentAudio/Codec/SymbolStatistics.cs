namespace LatentAudio.Codec;

/// <summary>Zero-order entropy of quantised integers per context (latent channel), and the zstd baseline on them.</summary>
public sealed class SymbolStatistics
{
    private readonly Dictionary<int, long>[] _counts;
    private readonly MemoryStream _int16 = new();

    public SymbolStatistics(int contexts) => _counts = Enumerable.Range(0, contexts).Select(_ => new Dictionary<int, long>()).ToArray();

    public long Values { get; private set; }

    /// <summary>Adds channel-major symbols [contexts, perContext].</summary>
    public void Add(ReadOnlySpan<int> symbols)
    {
        int per = symbols.Length / _counts.Length;
        for (int i = 0; i < symbols.Length; i++)
        {
            var d = _counts[i / per];
            d[symbols[i]] = d.GetValueOrDefault(symbols[i]) + 1;
            short v = (short)Math.Clamp(symbols[i], short.MinValue, short.MaxValue);
            _int16.WriteByte((byte)v);
            _int16.WriteByte((byte)(v >> 8));
        }
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

    public long ZstdBytes(int level = 19) => ZstdBytes(_int16.ToArray(), level);

    public static long ZstdBytes(byte[] data, int level = 19)
    {
        using var z = new ZstdSharp.Compressor(level);
        return z.Wrap(data).Length;
    }
}
