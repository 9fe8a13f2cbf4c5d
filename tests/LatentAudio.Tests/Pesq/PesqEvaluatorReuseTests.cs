using LatentAudio.Metrics;
using LatentAudio.Metrics.P862;
using Xunit.Abstractions;
using PesqMetric = LatentAudio.Metrics.Pesq;

namespace LatentAudio.Tests.Pesq;

/// <summary>
/// A reused <see cref="PesqEvaluator"/> (it keeps its FFT plans between calls) scores exactly like a fresh
/// <see cref="PesqMetric.Compute"/>, whatever it was used for before. (This replaces the old PesqBenchmark, which
/// only timed the two and asserted nothing; timing belongs to <c>latentaudio bench-metrics</c>.)
/// </summary>
public class PesqEvaluatorReuseTests(ITestOutputHelper output)
{
    [Fact]
    public void ReusedEvaluatorGivesTheFreshScoresBitForBit()
    {
        var pair = PesqGoldenTests.Pairs().Single(p => p.Id == "libri1_opus12k");
        var r = PesqGoldenTests.Load(pair.Ref);
        var d = PesqGoldenTests.Load(pair.Deg);
        double freshWb = PesqMetric.Compute(r, d, 16000, PesqMode.WideBand);
        double freshNb = PesqMetric.Compute(r, d, 16000, PesqMode.NarrowBand);

        var evaluator = new PesqEvaluator();
        // A call on a shorter pair first, so the kept plans were made for another length.
        var shortRef = r.AsSpan(0, 3 * 16000).ToArray();
        var shortDeg = d.AsSpan(0, 3 * 16000).ToArray();
        double shortFresh = PesqMetric.Compute(shortRef, shortDeg, 16000, PesqMode.WideBand);
        Assert.Equal(shortFresh, evaluator.Score(shortRef, shortDeg, 16000, PesqMode.WideBand).MosLqo);
        for (int i = 0; i < 2; i++)
        {
            var wb = evaluator.Score(r, d, 16000, PesqMode.WideBand);
            var nb = evaluator.Score(r, d, 16000, PesqMode.NarrowBand);
            output.WriteLine($"call {i}: WB {wb.MosLqo:R} (fresh {freshWb:R}) NB {nb.MosLqo:R} (fresh {freshNb:R})");
            Assert.Equal(PesqMode.WideBand, wb.Mode);
            Assert.Equal(PesqMode.NarrowBand, nb.Mode);
            Assert.Equal(freshWb, wb.MosLqo);
            Assert.Equal(freshNb, nb.MosLqo);
        }
        // and both are the golden python-pesq values (the tolerances of PesqGoldenTests)
        Assert.InRange(freshWb, pair.Wb - PesqGoldenTests.WideBandTolerance, pair.Wb + PesqGoldenTests.WideBandTolerance);
        Assert.InRange(freshNb, pair.Nb - PesqGoldenTests.NarrowBandTolerance, pair.Nb + PesqGoldenTests.NarrowBandTolerance);
    }
}
