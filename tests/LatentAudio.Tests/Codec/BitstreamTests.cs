using System.Text;
using LatentAudio.Codec.Bitstream;
using LatentAudio.Codec.Entropy;

namespace LatentAudio.Tests.Codec;

public class BitstreamTests
{
    [Fact]
    public void Crc32_MatchesTheStandardCheckValue() =>
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Crc32_AppendEqualsWhole()
    {
        var data = Encoding.ASCII.GetBytes("latent audio container");
        Assert.Equal(Crc32.Compute(data), Crc32.Append(Crc32.Compute(data.AsSpan(0, 7)), data.AsSpan(7)));
    }

    [Fact]
    public void VarInts_RoundTrip()
    {
        long[] values = [0, 1, -1, 63, -64, 64, 127, 128, -129, 1 << 20, -(1L << 40), long.MaxValue, long.MinValue];
        var w = new ByteWriter();
        foreach (var v in values) w.VarInt(v);
        var r = new ByteReader(w.ToArray(), "mem", "test");
        foreach (var v in values) Assert.Equal(v, r.VarInt());
        r.ExpectEnd();
    }

    [Fact]
    public void ByteReader_OverrunIsInvalidInput()
    {
        var r = new ByteReader(new byte[3], "f.lat", "chunk 0");
        var e = Assert.Throws<InvalidInputException>(() => r.U32());
        Assert.Contains("f.lat", e.Message);
        Assert.Throws<InvalidInputException>(() => new ByteReader(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, "f", "s").VarUInt());
    }

    [Theory]
    [InlineData(1, 12)]
    [InlineData(2, 16)]
    [InlineData(3, 20)]
    [InlineData(4, 24)]
    public void Rans_RoundTripsArbitraryStreamsAndTables(int seed, int precision)
    {
        var rng = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            int contexts = rng.Next(1, 6);
            var tables = new FrequencyTable[contexts];
            var alphabets = new (int Lo, int N)[contexts];
            for (int c = 0; c < contexts; c++)
            {
                int n = trial == 0 ? 1 : rng.Next(1, 300);
                int lo = rng.Next(-200, 200);
                var counts = new ulong[n];
                for (int i = 0; i < n; i++)
                    counts[i] = rng.Next(4) == 0 ? 0UL : (ulong)rng.Next(1, 1 << rng.Next(1, 30));
                counts[rng.Next(n)] = 1UL << rng.Next(0, 35); // heavily skewed peaks
                tables[c] = FrequencyTable.FromCounts(lo, counts, precision, everySymbolCodable: rng.Next(2) == 0);
                alphabets[c] = (lo, n);
                Assert.Equal(tables[c].Total, (uint)Enumerable.Range(lo, n).Sum(s => (long)tables[c].Frequency(s)));
            }
            int length = trial == 1 ? 0 : rng.Next(1, 5000);
            var symbols = new int[length];
            var ctx = new int[length];
            for (int i = 0; i < length; i++)
            {
                ctx[i] = rng.Next(contexts);
                var t = tables[ctx[i]];
                do symbols[i] = t.Lowest + rng.Next(t.Count); while (!t.CanCode(symbols[i]));
            }
            var bytes = RansCoder.Encode(symbols, ctx, tables);
            var back = new int[length];
            Assert.True(RansCoder.TryDecode(bytes, ctx, tables, back));
            Assert.Equal(symbols, back);
        }
    }

    [Fact]
    public void Rans_CodeLengthIsCloseToTheIdealCost()
    {
        var rng = new Random(7);
        var counts = new ulong[] { 1, 5, 40, 900, 40, 5, 1 };
        var table = FrequencyTable.FromCounts(-3, counts, 16, false);
        var symbols = new int[200_000];
        for (int i = 0; i < symbols.Length; i++)
        {
            int u = rng.Next(992), s = 0;
            for (ulong acc = counts[0]; (ulong)u >= acc; acc += counts[++s]) { }
            symbols[i] = s - 3;
        }
        double ideal = symbols.Sum(table.CostBits);
        var bytes = RansCoder.Encode(symbols, new int[symbols.Length], [table]);
        Assert.InRange(bytes.Length * 8.0, ideal, ideal * 1.001 + 64);
    }

    [Fact]
    public void Rans_CorruptStreamsAreDetectedOrDecodeWithoutCrashing()
    {
        var table = FrequencyTable.FromCounts(-2, new ulong[] { 3, 10, 50, 10, 3 }, 16, true);
        var rng = new Random(3);
        var symbols = Enumerable.Range(0, 3000).Select(_ => rng.Next(-2, 3)).ToArray();
        var ctx = new int[symbols.Length];
        var bytes = RansCoder.Encode(symbols, ctx, [table]);
        int detected = 0;
        for (int k = 0; k < 200; k++)
        {
            var bad = (byte[])bytes.Clone();
            bad[rng.Next(bad.Length)] ^= (byte)(1 << rng.Next(8));
            var outp = new int[symbols.Length];
            if (!RansCoder.TryDecode(bad, ctx, [table], outp)) detected++;
        }
        Assert.True(detected > 150, $"only {detected}/200 flips detected by the final-state check");
        Assert.False(RansCoder.TryDecode(bytes.AsSpan(0, bytes.Length - 4), ctx, [table], new int[symbols.Length]));
        Assert.False(RansCoder.TryDecode(new byte[5], ctx, [table], new int[symbols.Length]));
    }

    [Fact]
    public void LaplaceTable_IsBitExact()
    {
        // Pinned (values recomputed independently in Python integer arithmetic): the parametric table is derived with integer arithmetic only, so these values hold on every machine.
        var m = ProbabilityModel.Laplace(40000, 6, 16);
        var f = Enumerable.Range(-6, 13).Select(s => m.Table.Frequency(s)).ToArray();
        Assert.Equal(65536u, (uint)f.Sum(x => (long)x));
        Assert.Equal(f, f.Reverse().ToArray());
        Assert.Equal(new uint[] { 853, 1397, 2290, 3752, 6148, 10073, 16510, 10073, 6148, 3752, 2290, 1397, 853 }, f);
    }

    [Fact]
    public void Models_SerialiseAndReadBack()
    {
        var hist = ProbabilityModel.Histogram(-3, new ulong[] { 1, 0, 7, 100, 9, 0, 2 }, 16);
        var lap = ProbabilityModel.Laplace(51234, 300, 20);
        var w = new ByteWriter();
        hist.Write(w);
        lap.Write(w);
        var r = new ByteReader(w.ToArray(), "mem", "models");
        var h2 = ProbabilityModel.Read(r, 16, 119);
        var l2 = ProbabilityModel.Read(r, 20, 0);
        r.ExpectEnd();
        Assert.Equal(hist.HistogramCounts, h2.HistogramCounts);
        Assert.Equal(-3, h2.Table.Lowest);
        Assert.Equal(51234, l2.LaplaceRatioQ16);
        Assert.Equal(300, l2.LaplaceLimit);
        for (int s = -300; s <= 300; s++) Assert.Equal(lap.Table.Frequency(s), l2.Table.Frequency(s));
        // counts that do not add up to the block size are corruption
        var e = Assert.Throws<InvalidInputException>(() => ProbabilityModel.Read(new ByteReader(w.ToArray(), "x.lat", "chunk 3"), 16, 118));
        Assert.Contains("chunk 3", e.Message);
    }
}
