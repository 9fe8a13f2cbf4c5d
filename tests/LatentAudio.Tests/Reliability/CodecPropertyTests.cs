using LatentAudio.Audio;
using CsCheck;
using LatentAudio.Codec.Bitstream;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Entropy;
using LatentAudio.Codec.Quantisation;

namespace LatentAudio.Tests.Reliability;

/// <summary>The codec's entropy coder and container header, round-tripped over generated inputs (CsCheck).</summary>
public class CodecPropertyTests
{
    /// <summary>A table over [lowest, lowest + counts) from arbitrary counts (some zero), at any allowed precision.</summary>
    private static readonly Gen<FrequencyTable> GenTable =
        Gen.Select(Gen.Int[-2000, 2000], Gen.Int[FrequencyTable.MinPrecisionBits, FrequencyTable.MaxPrecisionBits], Gen.Int[1, 400])
            .SelectMany(p => Gen.Frequency((3, Gen.ULong[0, 1000]), (1, Gen.ULong[0, 1UL << 40]), (2, Gen.Const(0UL))).Array[p.Item3]
                .Where(c => c.Any(v => v > 0) && c.Count(v => v > 0) <= 1 << p.Item2)
                .Select(c => FrequencyTable.FromCounts(p.Item1, c, p.Item2, everySymbolCodable: false)));

    private static readonly Gen<FrequencyTable> GenLaplace =
        Gen.Select(Gen.Int[1, 65535], Gen.Int[0, 3000], Gen.Int[FrequencyTable.MinPrecisionBits, FrequencyTable.MaxPrecisionBits])
            .Where(p => 2 * p.Item2 + 1 <= 1 << p.Item3)
            .Select(p => ProbabilityModel.Laplace(p.Item1, p.Item2, p.Item3).Table);

    [Fact]
    public void TablesSumToTheirPrecisionAndKeepEveryPresentSymbol()
    {
        Gen.OneOf(GenTable, GenLaplace).Sample(t =>
        {
            ulong sum = 0;
            for (int s = t.Lowest; s <= t.Highest; s++) sum += t.Frequency(s);
            Assert.Equal((ulong)t.Total, sum);
            for (int s = t.Lowest; s <= t.Highest; s++)
                if (t.CanCode(s)) Assert.Equal(s, t.SymbolAt(t.Start(s) + t.Frequency(s) - 1));
        }, iter: 100, threads: 1);
    }

    [Fact]
    public void RansDecodesWhatItEncodes()
    {
        var gen = Gen.OneOf(GenTable, GenLaplace).Array[1, 4].SelectMany(tables =>
            Gen.Int[0, tables.Length - 1].SelectMany(ctx =>
                    Gen.Int[0, int.MaxValue].Select(pick => (ctx, pick)))
                .Array[0, 1500]
                .Select(picks =>
                {
                    var codable = tables.Select(t => Enumerable.Range(t.Lowest, t.Count).Where(t.CanCode).ToArray()).ToArray();
                    var contexts = picks.Select(p => p.ctx).ToArray();
                    var symbols = picks.Select(p => CodableSymbol(tables[p.ctx], codable[p.ctx], p.pick)).ToArray();
                    return (tables, contexts, symbols);
                }));
        gen.Sample(t =>
        {
            var bytes = RansCoder.Encode(t.symbols, t.contexts, t.tables);
            var back = new int[t.symbols.Length];
            Assert.True(RansCoder.TryDecode(bytes, t.contexts, t.tables, back));
            Assert.Equal(t.symbols, back);
        }, iter: 60, threads: 1);
    }

    /// <summary>The pick-th codable symbol (cyclically), skewed towards the frequent ones half the time like real data.</summary>
    private static int CodableSymbol(FrequencyTable t, int[] codable, int pick)
    {
        if ((pick & 1) == 0) return t.SymbolAt((uint)((pick >> 1) % t.Total));
        return codable[(pick >> 1) % codable.Length];
    }

    [Fact]
    public void ProbabilityModelsSurviveTheirStoredForm()
    {
        var histogram = Gen.Select(Gen.Int[-32767, 32767 - 500], Gen.ULong[0, 100000].Array[1, 500])
            .Where(p => p.Item2.Any(c => c > 0))
            .Select(p => ProbabilityModel.Histogram(p.Item1, p.Item2, 16));
        var laplace = Gen.Select(Gen.Int[1, 65535], Gen.Int[0, 20000]).Select(p => ProbabilityModel.Laplace(p.Item1, p.Item2, 16));
        Gen.OneOf(histogram, laplace).Sample(m =>
        {
            var w = new ByteWriter();
            m.Write(w);
            var r = new ByteReader(w.ToArray(), "prop", "model");
            var back = ProbabilityModel.Read(r, 16, long.MaxValue);
            r.ExpectEnd();
            Assert.Equal(m.Kind, back.Kind);
            Assert.Equal((m.Table.Lowest, m.Table.Count), (back.Table.Lowest, back.Table.Count));
            for (int s = m.Table.Lowest; s <= m.Table.Highest; s++) Assert.Equal(m.Table.Frequency(s), back.Table.Frequency(s));
        }, iter: 100, threads: 1);
    }

    /// <summary>Any UTF-16 text without surrogates (so any Unicode up to U+D7FF), as hub ids and revisions may hold.</summary>
    private static Gen<string> Text(int maxChars) => Gen.Char['\u0020', '\uD7FF'].Array[0, maxChars].Select(c => new string(c));

    /// <summary>Any header the reader accepts: every field drawn inside its documented range (docs/format.md §2).</summary>
    private static readonly Gen<LatentFileHeader> GenHeader =
        Gen.Select(
                Gen.Select(Text(200), Text(60), Gen.Byte.Array[32], Gen.Int[1000, 768000], Gen.Int[1000, 768000]),
                Gen.Select(Gen.Int[0, 2], Gen.Int[1, 64], Gen.Int[1, 1024], Gen.Long[1, int.MaxValue]),
                Gen.Select(Gen.Int[1, 65535], Gen.Int[0, 4].Select(i => 1 << i), Gen.Int[1, 64], Gen.Int[1, 256]),
                Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[1, 1 << 16], Gen.Int[0, int.MaxValue], Gen.Int[0, 2], Gen.Float[1e-6f, 1e6f]),
                Gen.Select(Gen.Int[FrequencyTable.MinPrecisionBits, FrequencyTable.MaxPrecisionBits], Gen.Int[0, 2], Gen.Double[-1, 1].Array[128]))
            .Select(g =>
            {
                var (id, rev, sha, rate, codedRate) = g.Item1;
                var (policy, eachStreams, otherChannels, length) = g.Item2;
                var (hop, down, melUnits, latentCh) = g.Item3;
                var (_, windowUnits, overlapPick, stepMode, stepValue) = g.Item4;
                var (precision, modelPolicy, doubles) = g.Item5;
                int inCh = policy == 0 ? eachStreams : otherChannels;
                int streams = policy == 0 ? eachStreams : 1;
                int mels = down * Math.Min(melUnits, 1024 / down);
                // the frame count follows from the length (the reader accepts nothing else); keep it within an int
                int window = down * Math.Min(windowUnits, LatentFileHeader.MaxWindowMelFrames / down);
                if (LatentFileHeader.MelFramesFor(length, rate, codedRate, hop, down, window) > int.MaxValue) codedRate = rate;
                if (LatentFileHeader.MelFramesFor(length, rate, codedRate, hop, down, window) > int.MaxValue) length = (long)(int.MaxValue / 2) * hop;
                int melFrames = (int)LatentFileHeader.MelFramesFor(length, rate, codedRate, hop, down, window);
                long perChannel = (long)(window / down) * (mels / down);
                latentCh = (int)Math.Clamp(LatentFileHeader.MaxWindowValues / perChannel, 1, latentCh);
                int overlap = overlapPick % (window / down) * down;
                var levels = Enumerable.Range(0, streams).Select(i => new StreamLevel(doubles[2 * i] * 1e3, Math.Abs(doubles[2 * i + 1]) + 1e-9)).ToArray();
                return new LatentFileHeader(new ModelIdentity(id, rev, sha), rate, inCh, policy switch { 0 => ChannelMode.Each, 1 => ChannelMode.Mix, _ => ChannelMode.First }, length, levels, codedRate,
                    hop, mels, latentCh, down, melFrames, window, overlap, (StepMode)stepMode, stepValue, precision, (ProbabilityModelPolicy)modelPolicy);
            });

    [Fact]
    public void ContainerHeaderRoundTripsForAnyValidFields()
    {
        GenHeader.Sample(h =>
        {
            using var ms = new MemoryStream();
            new LatentFileWriter(ms, h);
            // Header only: read it from a forward-only stream, where the reader cannot (and does not) check that
            // the file is long enough for the window chunks the header plans.
            var back = LatentFileReader.Open(new LatentAudio.Tests.Codec.ContainerTests.ForwardOnlyStream(ms.ToArray()), "prop.lat").Header;
            Assert.Equal(h with { Model = back.Model, Streams = back.Streams }, back);
            Assert.Equal((h.Model.Id, h.Model.Revision), (back.Model.Id, back.Model.Revision));
            Assert.Equal(h.Model.WeightsSha256, back.Model.WeightsSha256);
            Assert.Equal(h.Streams, back.Streams);
        }, iter: 200, threads: 1);
    }
}
