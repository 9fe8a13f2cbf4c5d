using System.Text.Json;
using LatentAudio.Audio;
using LatentAudio.Metrics;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Metrics;

/// <summary>BS.1770-4 with the ITU (De Man) K-weighting against pyloudnorm's `filter_class="DeMan"` values and the
/// nominal -23 LUFS tones; pyloudnorm's default filter reproduced too.</summary>
public sealed class LoudnessTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> SyntheticIds =>
        GoldenData.Root.GetProperty("synthetic_loudness").EnumerateArray()
            .Where(e => !e.GetProperty("id").GetString()!.Contains("float64")) // numpy's PCG64 noise: only the int16 file is reproducible
            .Where(e => !e.GetProperty("id").GetString()!.Contains("noise") || e.GetProperty("sample_rate").GetInt32() == 16000) // 48 kHz noise file not copied (size)
            .Select(e => new object[] { e.GetProperty("id").GetString()! });

    private static JsonElement Entry(string id) =>
        GoldenData.Root.GetProperty("synthetic_loudness").EnumerateArray().First(e => e.GetProperty("id").GetString() == id);

    private static double[][] Signal(JsonElement e)
    {
        string id = e.GetProperty("id").GetString()!;
        int fs = e.GetProperty("sample_rate").GetInt32(), n = e.GetProperty("samples").GetInt32();
        if (id.Contains("noise"))
        {
            var a = AudioFile.Read(TestPaths.Fixtures("metrics", "synthetic", "white_noise_rms0.1_seed0_16k.wav"));
            return [a.Channel(0).Select(v => (double)v).ToArray()];
        }
        double amp = e.GetProperty("amplitude").GetDouble(), f = id.StartsWith("sine997") ? 997 : 1000;
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = amp * Math.Sin(2 * Math.PI * f * i / fs);
        return e.GetProperty("channels").GetInt32() == 2 ? [x, (double[])x.Clone()] : [x];
    }

    [Theory, MemberData(nameof(SyntheticIds))]
    public void ItuFilterMatchesDeManWithin001Lu(string id)
    {
        var e = Entry(id);
        var x = Signal(e);
        int fs = e.GetProperty("sample_rate").GetInt32();
        double itu = new LoudnessMeter(fs, KWeightingDesign.Itu).Integrated(x);
        double dflt = new LoudnessMeter(fs, KWeightingDesign.PyloudnormDefault).Integrated(x);
        double errItu = Math.Abs(itu - e.GetProperty("lufs_filter_class_DeMan").GetDouble());
        double errDefault = Math.Abs(dflt - e.GetProperty("lufs").GetDouble());
        output.WriteLine($"{id}: ITU {itu:0.000000} err {errItu:e2}; pyloudnorm default err {errDefault:e2}");
        Assert.InRange(errItu, 0, 0.01);
        Assert.InRange(errDefault, 0, 1e-6);
        if (e.TryGetProperty("nominal_lufs", out var nominal))
            Assert.InRange(Math.Abs(itu - nominal.GetDouble()), 0, 0.05);
    }

    [Fact]
    public void ItuCoefficientsAt48kHzAreTheBs1770Ones()
    {
        // ITU-R BS.1770-4 Annex 1, Tables 1 and 2 (48 kHz).
        var (shelf, hp) = KWeighting.Design(48000, KWeightingDesign.Itu);
        Assert.Equal(1.53512485958697, shelf.B0, 1e-9);
        Assert.Equal(-2.69169618940638, shelf.B1, 1e-9);
        Assert.Equal(1.19839281085285, shelf.B2, 1e-9);
        Assert.Equal(-1.69065929318241, shelf.A1, 1e-9);
        Assert.Equal(0.73248077421585, shelf.A2, 1e-9);
        Assert.Equal(-1.99004745483398, hp.A1, 1e-9);
        Assert.Equal(0.99007225036621, hp.A2, 1e-9);
    }

    [Fact]
    public void TooShortSignalIsReportedNotThrownAsBug()
    {
        Assert.Throws<MetricUnavailableException>(() => new LoudnessMeter(16000).Integrated([new double[1000]]));
    }
}
