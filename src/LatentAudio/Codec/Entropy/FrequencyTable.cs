namespace LatentAudio.Codec.Entropy;

/// <summary>
/// Integer symbol frequencies over a contiguous alphabet [Lowest, Lowest + Count), summing to exactly
/// 2^PrecisionBits. Built only from integers (see <see cref="FromCounts"/>) so that encoder and decoder derive the
/// same table bit for bit on any machine (the lesson of encodec PR #95; CompressAI <c>pmf_to_quantized_cdf</c>).
/// </summary>
public sealed class FrequencyTable
{
    public const int MinPrecisionBits = 12;
    public const int MaxPrecisionBits = 24;
    /// <summary>Largest alphabet a table may span (keeps tables and lookups small; |q| up to 32767).</summary>
    public const int MaxAlphabet = 65535;

    private readonly uint[] _freq;
    private readonly uint[] _cum;

    private FrequencyTable(int lowest, uint[] freq, int precisionBits)
    {
        Lowest = lowest;
        _freq = freq;
        PrecisionBits = precisionBits;
        _cum = new uint[freq.Length + 1];
        for (int i = 0; i < freq.Length; i++) _cum[i + 1] = _cum[i] + freq[i];
    }

    public int Lowest { get; }
    public int Count => _freq.Length;
    public int Highest => Lowest + Count - 1;
    public int PrecisionBits { get; }
    public uint Total => 1u << PrecisionBits;

    public uint Frequency(int symbol) => symbol < Lowest || symbol > Highest ? 0 : _freq[symbol - Lowest];
    public uint Start(int symbol) => _cum[symbol - Lowest];
    public bool CanCode(int symbol) => Frequency(symbol) != 0;

    /// <summary>The symbol whose [start, start+freq) contains <paramref name="slot"/> (slot &lt; Total).</summary>
    public int SymbolAt(uint slot)
    {
        // upper bound on the cumulative array: the last i with cum[i] <= slot and freq[i] > 0
        int lo = 0, hi = _freq.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) >> 1;
            if (_cum[mid] <= slot) lo = mid; else hi = mid - 1;
        }
        return Lowest + lo;
    }

    /// <summary>
    /// Quantises non-negative counts to frequencies summing to 2^precision. Every symbol with a non-zero count gets
    /// at least 1 (or every symbol, when <paramref name="everySymbolCodable"/>, as parametric tables need). Integer
    /// arithmetic only: floor(c·2^P/N), then the shortfall goes to the largest bin, an excess is taken from the
    /// largest bins (deterministic tie-break: lowest index).
    /// </summary>
    public static FrequencyTable FromCounts(int lowest, ReadOnlySpan<ulong> counts, int precisionBits, bool everySymbolCodable)
    {
        if (precisionBits is < MinPrecisionBits or > MaxPrecisionBits) throw new ArgumentOutOfRangeException(nameof(precisionBits));
        if (counts.Length is 0 or > MaxAlphabet) throw new ArgumentException($"alphabet of {counts.Length} symbols (1..{MaxAlphabet})");
        ulong total = 1UL << precisionBits;
        ulong sum = 0;
        int present = 0;
        foreach (var c in counts)
        {
            if (c > (1UL << 40)) throw new ArgumentException("count too large");
            sum += c;
            if (c > 0 || everySymbolCodable) present++;
        }
        if (sum == 0) throw new ArgumentException("all counts are zero");
        if ((ulong)present > total) throw new ArgumentException($"{present} codable symbols do not fit {precisionBits}-bit precision");

        var freq = new uint[counts.Length];
        ulong assigned = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            ulong f = counts[i] * total / sum; // counts <= 2^40 and total <= 2^24: no overflow
            if (f == 0 && (counts[i] > 0 || everySymbolCodable)) f = 1;
            freq[i] = (uint)f;
            assigned += f;
        }
        if (assigned < total)
            freq[IndexOfMax(freq)] += (uint)(total - assigned);
        while (assigned > total)
        {
            int m = IndexOfMax(freq);
            ulong take = Math.Min(assigned - total, freq[m] - 1UL);
            if (take == 0) throw new InvalidOperationException("cannot normalise table"); // unreachable: present <= total
            freq[m] -= (uint)take;
            assigned -= take;
        }
        return new FrequencyTable(lowest, freq, precisionBits);
    }

    private static int IndexOfMax(uint[] f)
    {
        int best = 0;
        for (int i = 1; i < f.Length; i++) if (f[i] > f[best]) best = i;
        return best;
    }

    /// <summary>Ideal code length of a symbol under this table, in bits (for model choice and reports only).</summary>
    public double CostBits(int symbol)
    {
        uint f = Frequency(symbol);
        return f == 0 ? double.PositiveInfinity : PrecisionBits - Math.Log2(f);
    }
}
