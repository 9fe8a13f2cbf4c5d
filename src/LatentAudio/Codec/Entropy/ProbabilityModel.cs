using LatentAudio.Codec.Bitstream;

namespace LatentAudio.Codec.Entropy;

/// <summary>How one latent channel's symbols are modelled inside one coded window (the byte stored in the file).</summary>
public enum ProbabilityModelKind : byte
{
    /// <summary>The window's own symbol counts, stored as side information.</summary>
    Histogram = 1,
    /// <summary>Discretised Laplace p(k) ∝ r^|k| on [-K, K]; only r (Q16) and K are stored.</summary>
    Laplace = 2,
}

/// <summary>Which model families the encoder may choose from (stored in the header).</summary>
public enum ProbabilityModelPolicy : byte
{
    /// <summary>Per channel and window, whichever of histogram and Laplace codes smaller (side info included).</summary>
    Smallest = 0,
    HistogramOnly = 1,
    LaplaceOnly = 2,
}

/// <summary>One channel's model inside a window: its kind, stored parameters and the integer table they define.</summary>
public sealed class ProbabilityModel
{
    private ProbabilityModel(ProbabilityModelKind kind, FrequencyTable table, ulong[]? counts, int laplaceRatioQ16, int laplaceLimit)
    {
        Kind = kind;
        Table = table;
        HistogramCounts = counts;
        LaplaceRatioQ16 = laplaceRatioQ16;
        LaplaceLimit = laplaceLimit;
    }

    public ProbabilityModelKind Kind { get; }
    public FrequencyTable Table { get; }
    public ulong[]? HistogramCounts { get; }
    /// <summary>r·65536 for the Laplace model (1..65535).</summary>
    public int LaplaceRatioQ16 { get; }
    /// <summary>K: the Laplace table covers [-K, K].</summary>
    public int LaplaceLimit { get; }

    public static ProbabilityModel Histogram(int lowest, ulong[] counts, int precisionBits) =>
        new(ProbabilityModelKind.Histogram, FrequencyTable.FromCounts(lowest, counts, precisionBits, everySymbolCodable: false), counts, 0, 0);

    /// <summary>
    /// The Laplace table from its two stored integers, integer-only: w_0 = 2^32, w_k = floor(w_{k-1}·r_Q16 / 2^16),
    /// then normalised like any count table with every symbol codable.
    /// </summary>
    public static ProbabilityModel Laplace(int ratioQ16, int limit, int precisionBits)
    {
        if (ratioQ16 is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(ratioQ16));
        if (limit < 0 || 2 * limit + 1 > FrequencyTable.MaxAlphabet) throw new ArgumentOutOfRangeException(nameof(limit));
        var w = new ulong[2 * limit + 1];
        ulong v = 1UL << 32;
        for (int k = 0; k <= limit; k++)
        {
            w[limit + k] = v;
            w[limit - k] = v;
            v = (v * (ulong)ratioQ16) >> 16;
        }
        return new(ProbabilityModelKind.Laplace, FrequencyTable.FromCounts(-limit, w, precisionBits, everySymbolCodable: true), null, ratioQ16, limit);
    }

    public void Write(ByteWriter w)
    {
        w.U8((byte)Kind);
        if (Kind == ProbabilityModelKind.Histogram)
        {
            w.VarInt(Table.Lowest);
            w.VarUInt((ulong)HistogramCounts!.Length);
            foreach (var c in HistogramCounts) w.VarUInt(c);
        }
        else
        {
            w.U16((ushort)LaplaceRatioQ16);
            w.VarUInt((ulong)LaplaceLimit);
        }
    }

    /// <summary>Reads a model; a histogram's counts may add up to at most <paramref name="maxSymbols"/> (the caller checks the exact total).</summary>
    public static ProbabilityModel Read(ByteReader r, int precisionBits, long maxSymbols)
    {
        byte kind = r.U8();
        switch ((ProbabilityModelKind)kind)
        {
            case ProbabilityModelKind.Histogram:
            {
                int lowest = r.VarIntIn("histogram lowest symbol", -32767, 32767);
                int n = r.VarUIntIn("histogram size", FrequencyTable.MaxAlphabet);
                if (n == 0) throw r.Error("histogram has no symbols");
                if (n > r.Remaining) throw r.Error($"histogram of {n} symbols is longer than its chunk");
                var counts = new ulong[n];
                ulong sum = 0;
                for (int i = 0; i < n; i++)
                {
                    counts[i] = r.VarUInt();
                    sum += Math.Min(counts[i], 1UL << 40);
                    if (sum > (ulong)maxSymbols) break;
                }
                if (sum == 0 || sum > (ulong)maxSymbols)
                    throw r.Error($"histogram counts add up to {sum}, expected 1..{maxSymbols}");
                if (counts.Count(c => c > 0) > 1 << precisionBits)
                    throw r.Error($"histogram has more symbols than {precisionBits}-bit tables hold");
                return Histogram(lowest, counts, precisionBits);
            }
            case ProbabilityModelKind.Laplace:
            {
                int ratio = r.U16();
                if (ratio == 0) throw r.Error("Laplace ratio is 0");
                int limit = r.VarUIntIn("Laplace limit", (FrequencyTable.MaxAlphabet - 1) / 2);
                if (2 * limit + 1 > 1 << precisionBits) throw r.Error($"Laplace table of {2 * limit + 1} symbols does not fit {precisionBits}-bit precision");
                return Laplace(ratio, limit, precisionBits);
            }
            default:
                throw r.Error($"unknown probability model kind {kind}");
        }
    }

    /// <summary>Bytes this model adds to the chunk (side information).</summary>
    public int SideInfoBytes()
    {
        var w = new ByteWriter();
        Write(w);
        return (int)w.Length;
    }
}
