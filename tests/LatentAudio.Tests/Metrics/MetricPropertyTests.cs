using LatentAudio.Audio;
using LatentAudio.Metrics;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Metrics;

/// <summary>
/// What each definition implies, on real recordings (the first 4 s of samples/speech_libri1.wav and
/// samples/music_brahms.wav, 16 kHz): identity gives the ideal value, more noise is monotonically worse across 30/20/10/0 dB, scale and
/// symmetry hold where claimed.
/// </summary>
public sealed class MetricPropertyTests(ITestOutputHelper output)
{
    // Loudness of the reference does not depend on the degradation, the lag has no direction.
    private static readonly HashSet<string> NotAQualityScore = ["best_lag_ms", "lufs_ref", "lufs_deg", "lufs_diff"];

    public static IEnumerable<object[]> Recordings => [["speech_libri1.wav"], ["music_brahms.wav"]];

    internal static float[] Recording(string name) => AudioFile.Read(TestPaths.Samples(name), 0, 4.0).Channel(0);

    internal static float[] WithNoise(float[] x, double snrDb, int seed)
    {
        var rng = new Random(seed);
        var w = new double[x.Length];
        for (int i = 0; i < w.Length; i++) w[i] = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        double ex = x.Sum(v => (double)v * v), ew = w.Sum(v => v * v);
        double g = Math.Sqrt(ex / (ew * Math.Pow(10, snrDb / 10)));
        return x.Select((v, i) => (float)(v + g * w[i])).ToArray();
    }

    private static MetricReport Score(float[] r, float[] d) =>
        MetricEvaluator.Evaluate(MetricPair.FromMono(r, d, 16000), MetricRegistry.All);

    [Theory, MemberData(nameof(Recordings))]
    public void IdentityGivesTheIdealValue(string name)
    {
        var x = Recording(name);
        var report = Score(x, x);
        foreach (var (info, outcome) in report.Outcomes)
        {
            output.WriteLine($"{info.Key} = {outcome}");
            if (info.Ideal is not double ideal) { Assert.NotNull(outcome.Value); continue; }
            // An infinite ideal (SNR and SI-SDR of identical signals) is an infinite outcome that says it is the ideal.
            if (double.IsPositiveInfinity(ideal))
            {
                Assert.Null(outcome.Value);
                Assert.Equal(1, outcome.Infinity);
                Assert.Contains("ideal", outcome.Reason);
                continue;
            }
            Assert.NotNull(outcome.Value);
            // The Brahms excerpt opens with digital silence, where ssr_eval's LSD is not 0 even for identical
            // signals (see LsdOfIdenticalSignalsIsNotZeroOverDigitalSilence).
            if (info.Key == "lsd" && name.StartsWith("music")) continue;
            // MOS ceilings are stated to 4 decimals (the references compute them in float32).
            double tolerance = info.Unit == "MOS" ? 1e-4 : info.Key == "lsd" ? 1e-6 : 1e-9;
            Assert.True(Math.Abs(outcome.Value!.Value - ideal) < tolerance, $"{info.Key}: {outcome.Value} vs ideal {ideal}");
        }
        Assert.Equal(report["lufs_ref"], report["lufs_deg"]);
    }

    [Theory, MemberData(nameof(Recordings))]
    public void MoreNoiseIsMonotonicallyWorse(string name)
    {
        var x = Recording(name);
        var reports = new[] { 30.0, 20, 10, 0 }.Select(snr => Score(x, WithNoise(x, snr, 7))).ToArray();
        foreach (var m in MetricRegistry.All.Where(m => !NotAQualityScore.Contains(m.Info.Key)))
        {
            var values = reports.Select(r => r[m.Info.Key]!.Value).ToArray();
            output.WriteLine($"{m.Info.Key}: {string.Join("  ", values.Select(v => v.ToString("0.0000")))}");
            for (int i = 1; i < values.Length; i++)
                Assert.True(m.Info.HigherIsBetter ? values[i] < values[i - 1] : values[i] > values[i - 1],
                    $"{m.Info.Key} not monotone: {string.Join(", ", values)}");
        }
        var louder = reports.Select(r => r["lufs_diff"]!.Value).ToArray();
        for (int i = 1; i < louder.Length; i++) Assert.True(louder[i] > louder[i - 1]);
    }

    [Theory, MemberData(nameof(Recordings))]
    public void ScaleInvariantMetricsIgnoreTheDegradedGain(string name)
    {
        var x = Recording(name);
        var d = WithNoise(x, 10, 3);
        var scaled = d.Select(v => v * 0.3f).ToArray();
        var a = Score(x, d);
        var b = Score(x, scaled);
        foreach (var key in new[] { "si_sdr", "pearson", "spectral_corr", "stoi", "estoi", "mcd_no_c0", "lsd" })
        {
            output.WriteLine($"{key}: {a[key]} vs {b[key]}");
            Assert.True(Math.Abs(a[key]!.Value - b[key]!.Value) <= 1e-4 * Math.Max(1, Math.Abs(a[key]!.Value)), key);
        }
        Assert.True(Math.Abs(b["lufs_diff"]!.Value - (a["lufs_diff"]!.Value + 20 * Math.Log10(0.3))) < 0.01);
        Assert.True(b["snr"] < a["snr"]); // SNR is not scale-invariant
    }

    [Theory, MemberData(nameof(Recordings))]
    public void SymmetricMetricsDoNotDependOnTheOrder(string name)
    {
        var x = Recording(name);
        var d = WithNoise(x, 10, 5);
        var ab = Score(x, d);
        var ba = Score(d, x);
        foreach (var key in new[] { "pearson", "spectral_corr", "logmel_corr", "mel_distance", "mel_distance_audiotools", "mcd", "mcd_no_c0" })
            Assert.True(Math.Abs(ab[key]!.Value - ba[key]!.Value) < 1e-9, key);
        Assert.Equal(ab["best_lag_ms"], -ba["best_lag_ms"]!.Value + 0.0);
        Assert.True(Math.Abs(ab["lufs_diff"]!.Value + ba["lufs_diff"]!.Value) < 1e-12);
        Assert.NotEqual(ab["mrstft"], ba["mrstft"]); // auraloss normalises SC by the target: asymmetric by definition
    }

    [Fact]
    public void LsdOfIdenticalSignalsIsNotZeroOverDigitalSilence()
    {
        // ssr_eval puts its 1e-12 on the estimate side only: a bin that is exactly 0 in both signals contributes
        // log10(0 / 1e-24 + 1e-12) = -12. Kept as the reference defines it; documented in the README.
        var x = Recording("speech_libri1.wav");
        var silent = new float[x.Length + 16000];
        Array.Copy(x, 0, silent, 16000, x.Length);
        var pair = MetricPair.FromMono(silent, silent, 16000);
        Assert.True(MetricCatalog.Lsd.Compute(pair) > 1);
    }

    [Fact]
    public void BestLagFindsADelayAndAlignmentRepairsSnr()
    {
        var x = Recording("speech_libri1.wav");
        var late = new float[x.Length];
        Array.Copy(x, 0, late, 37, x.Length - 37);
        var r = Score(x, late);
        Assert.Equal(37 * 1000.0 / 16000, r["best_lag_ms"]!.Value, 9);
        Assert.True(r["snr"] < 3);
        Assert.Equal(1, r.Outcome("snr_aligned").Infinity);
        var early = Score(late, x);
        Assert.Equal(-37 * 1000.0 / 16000, early["best_lag_ms"]!.Value, 9);
    }
}
