using System.Text.Json;
using LatentAudio.Audio;
using LatentAudio.Metrics;
using LatentAudio.Metrics.P862;
using Xunit.Abstractions;
using PesqMetric = LatentAudio.Metrics.Pesq;

namespace LatentAudio.Tests.Pesq;

/// <summary>Every golden pair's PESQ WB and NB against python-pesq (ITU reference code), within 0.005 MOS.</summary>
public class PesqGoldenTests(ITestOutputHelper output)
{
    private const double Tolerance = 0.005;

    public static TheoryData<string> PairIds()
    {
        var data = new TheoryData<string>();
        foreach (var p in Pairs()) data.Add(p.Id);
        return data;
    }

    internal sealed record GoldenPair(string Id, string Ref, string Deg, double Wb, double Nb);

    internal static IEnumerable<GoldenPair> Pairs()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixtures("pesq", "expected.json")));
        foreach (var p in doc.RootElement.GetProperty("pairs").EnumerateArray())
            yield return new GoldenPair(p.GetProperty("id").GetString()!, p.GetProperty("ref").GetString()!,
                p.GetProperty("deg").GetString()!, p.GetProperty("pesq_wb").GetDouble(), p.GetProperty("pesq_nb").GetDouble());
    }

    internal static float[] Load(string name) => AudioFile.Read(TestPaths.Fixtures("pesq", name)).Channel(0);

    [Theory]
    [MemberData(nameof(PairIds))]
    public void MatchesReference(string id)
    {
        var pair = Pairs().Single(p => p.Id == id);
        var r = Load(pair.Ref);
        var d = Load(pair.Deg);
        double wb = PesqMetric.Compute(r, d, 16000, PesqMode.WideBand);
        double nb = PesqMetric.Compute(r, d, 16000, PesqMode.NarrowBand);
        output.WriteLine($"{id}: WB {wb:F7} (ref {pair.Wb:F7}, err {wb - pair.Wb:E2})  NB {nb:F7} (ref {pair.Nb:F7}, err {nb - pair.Nb:E2})");
        Assert.InRange(wb, pair.Wb - Tolerance, pair.Wb + Tolerance);
        Assert.InRange(nb, pair.Nb - Tolerance, pair.Nb + Tolerance);
    }
}
