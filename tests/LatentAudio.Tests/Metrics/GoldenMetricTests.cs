using LatentAudio.Metrics;
using Xunit.Abstractions;
using LatentAudio.Metrics.Loudness;
using LatentAudio.Metrics.Spectral;

namespace LatentAudio.Tests.Metrics;

/// <summary>Every golden value of expected.json (pystoi, pyloudnorm, auraloss, SNR/SI-SDR formulas) matched.</summary>
public sealed class GoldenMetricTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Ids => GoldenData.PairIds;

    // Max |error| over every pair, measured on 2026-12-04 (all float64 against float64 references); each tolerance is
    // 10x that (tolerances.json has no spread for these metrics). Old tolerance in brackets.
    private const double SnrTolerance = 5e-14;          // measured 3.55e-15 dB [1e-3]
    private const double SiSdrTolerance = 1e-11;        // measured 8.17e-13 dB [1e-3]
    private const double StoiTolerance = 5e-14;         // measured 4.44e-15 (stoi), 1.44e-15 (estoi) [1e-3]
    private const double MrStftRelTolerance = 4e-13;    // measured 3.60e-14 relative [1e-3]
    private const double ScRelTolerance = 1.5e-12;      // per resolution: measured 1.24e-13 relative [1e-3]
    private const double LogMagRelTolerance = 5e-14;    // per resolution: measured 4.10e-15 relative [1e-3]
    private const double LufsTolerance = 1e-11;         // measured 8.17e-13 LU [1e-6]

    private static MetricPair PairOf(string id)
    {
        var (r, d) = GoldenData.Load(id);
        return MetricPair.Create(r, d);
    }

    [Theory, MemberData(nameof(Ids))]
    public void SnrAndSiSdrMatch(string id)
    {
        var pair = PairOf(id);
        double snr = MetricCatalog.Snr.Compute(pair), siSdr = MetricCatalog.SiSdr.Compute(pair);
        double eSnr = GoldenData.Value(id, "snr"), eSi = GoldenData.Value(id, "si_sdr");
        output.WriteLine($"{id} snr err {Math.Abs(snr - eSnr):e2} si_sdr err {Math.Abs(siSdr - eSi):e2}");
        Assert.InRange(Math.Abs(snr - eSnr), 0, SnrTolerance);
        Assert.InRange(Math.Abs(siSdr - eSi), 0, SiSdrTolerance);
    }

    [Theory, MemberData(nameof(Ids))]
    public void StoiAndEstoiMatch(string id)
    {
        var pair = PairOf(id);
        double stoi = MetricCatalog.StoiClassic.Compute(pair), estoi = MetricCatalog.StoiExtended.Compute(pair);
        double e1 = Math.Abs(stoi - GoldenData.Value(id, "stoi")), e2 = Math.Abs(estoi - GoldenData.Value(id, "estoi"));
        output.WriteLine($"{id} stoi err {e1:e2} estoi err {e2:e2}");
        Assert.InRange(e1, 0, StoiTolerance);
        Assert.InRange(e2, 0, StoiTolerance);
    }

    [Theory, MemberData(nameof(Ids))]
    public void MrStftMatches(string id)
    {
        var pair = PairOf(id);
        double value = MetricCatalog.MrStft.Compute(pair), expected = GoldenData.Value(id, "mrstft_float64");
        double rel = Math.Abs(value - expected) / expected;
        output.WriteLine($"{id} mrstft rel err {rel:e2}");
        Assert.InRange(rel, 0, MrStftRelTolerance);
        var terms = MultiResolutionStft.Terms(pair);
        var golden = GoldenData.Pair(id).GetProperty("mrstft_per_resolution_float64").EnumerateArray().ToArray();
        Assert.Equal(golden.Length, terms.Length);
        for (int i = 0; i < terms.Length; i++)
        {
            Assert.Equal(golden[i].GetProperty("frames").GetInt32(), terms[i].Frames);
            Assert.Equal(golden[i].GetProperty("bins").GetInt32(), terms[i].Bins);
            Assert.InRange(Math.Abs(terms[i].SpectralConvergence - golden[i].GetProperty("sc").GetDouble()) / golden[i].GetProperty("sc").GetDouble(), 0, ScRelTolerance);
            Assert.InRange(Math.Abs(terms[i].LogMagnitude - golden[i].GetProperty("log_mag").GetDouble()) / golden[i].GetProperty("log_mag").GetDouble(), 0, LogMagRelTolerance);
        }
    }

    [Theory, MemberData(nameof(Ids))]
    public void PairLoudnessMatchesPyloudnormDefaultFilter(string id)
    {
        // The pair values were made with pyloudnorm's default (non-ITU) filter: same design, same blocks, same gates.
        var (r, d) = GoldenData.Load(id);
        var meter = new LoudnessMeter(r.SampleRate, KWeightingDesign.PyloudnormDefault);
        double er = Math.Abs(meter.Integrated(r) - GoldenData.Value(id, "lufs_ref"));
        double ed = Math.Abs(meter.Integrated(d) - GoldenData.Value(id, "lufs_deg"));
        output.WriteLine($"{id} lufs_ref err {er:e2} lufs_deg err {ed:e2}");
        Assert.InRange(er, 0, LufsTolerance);
        Assert.InRange(ed, 0, LufsTolerance);
    }
}
