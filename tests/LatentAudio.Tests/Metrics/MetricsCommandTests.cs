using System.Text.Json;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Reports;

namespace LatentAudio.Tests.Metrics;

/// <summary>`latentaudio metrics` end to end through Cli.Run.</summary>
public sealed class MetricsCommandTests
{
    private static string PairFile(string name) => TestPaths.Fixtures("metrics", "pairs", name);

    [Fact]
    public void JsonHasEverySnakeCaseKeyAndTheGoldenNumbers()
    {
        var (code, stdout, err) = Cli.Run("metrics", PairFile("libri1_ref.wav"), PairFile("libri1_noise20dB.wav"), "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        var m = doc.RootElement.GetProperty("metrics");
        foreach (var key in new[] { "snr", "si_sdr", "pearson", "best_lag_ms", "snr_aligned", "si_sdr_aligned", "spectral_corr", "logmel_corr",
                     "lsd", "mel_distance", "mel_distance_audiotools", "mrstft", "spectral_convergence", "mcd", "mcd_no_c0", "stoi", "estoi",
                     "lufs_ref", "lufs_deg", "lufs_diff" })
            Assert.Equal(JsonValueKind.Number, m.GetProperty(key).ValueKind);
        Assert.Equal(GoldenData.Value("libri1_noise20dB", "snr"), m.GetProperty("snr").GetDouble(), 1e-9);
        Assert.Equal(GoldenData.Value("libri1_noise20dB", "stoi"), m.GetProperty("stoi").GetDouble(), 1e-9);
        Assert.Equal(GoldenData.Value("libri1_noise20dB", "mrstft_float64"), m.GetProperty("mrstft").GetDouble(), 1e-9);
        // Nothing was done to the pair; the only notes are ViSQOL audio mode's own (its 48 kHz resampling).
        var notes = doc.RootElement.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Contains(notes, n => n.StartsWith("visqol_audio: ") && n.Contains("48 kHz"));
        Assert.All(notes, n => Assert.StartsWith("visqol_", n));
        Assert.Equal(16000, doc.RootElement.GetProperty("sample_rate").GetInt32());
    }

    [Fact]
    public void OnlySelectsMetricsAndTableIsPrinted()
    {
        var (code, stdout, _) = Cli.Run("metrics", PairFile("libri1_ref.wav"), PairFile("libri1_shift80.wav"), "--only", "snr,best_lag_ms,snr_aligned");
        Assert.Equal(0, code);
        Assert.Contains("best_lag_ms", stdout);
        Assert.Contains("5.0000", stdout); // 80 samples = 5 ms
        Assert.DoesNotContain("stoi", stdout);
    }

    [Fact]
    public void IdenticalFilesReportInfiniteSnrAsAnOutcomeWithAReason()
    {
        var (code, stdout, _) = Cli.Run("metrics", PairFile("libri1_ref.wav"), PairFile("libri1_ref.wav"), "--json", "--only", "snr,pearson");
        Assert.Equal(0, code);
        var metrics = JsonNode.Parse(stdout)!["metrics"]!;
        var snr = OutcomeJson.Read(metrics["snr"]);
        Assert.Null(snr.Value);
        Assert.Equal(1, snr.Infinity);
        Assert.StartsWith("+infinite", snr.Reason);
        Assert.Equal(1.0, OutcomeJson.Read(metrics["pearson"]).Value!.Value, 12);
    }

    [Fact]
    public void MismatchedLengthsAreTrimmedAndSaid()
    {
        using var tmp = new TestPaths.TempDir();
        var deg = AudioFile.Read(PairFile("libri1_noise20dB.wav"));
        string shortFile = tmp.File("short.wav");
        WavWriter.Write(shortFile, deg.Slice(0, 100000));
        var (code, stdout, err) = Cli.Run("metrics", PairFile("libri1_ref.wav"), shortFile, "--json", "--only", "snr");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(100000, doc.RootElement.GetProperty("samples").GetInt32());
        Assert.Contains("trimmed", doc.RootElement.GetProperty("notes")[0].GetString());
        Assert.InRange(doc.RootElement.GetProperty("metrics").GetProperty("snr").GetDouble(), 19.5, 20.5);
    }

    [Fact]
    public void MismatchedRatesAreResampledToRate()
    {
        using var tmp = new TestPaths.TempDir();
        var deg = AudioFile.Read(PairFile("libri1_noise20dB.wav")).Resample(22050);
        string file = tmp.File("deg22k.wav");
        WavWriter.Write(file, deg);
        var (code, stdout, err) = Cli.Run("metrics", PairFile("libri1_ref.wav"), file, "--json", "--only", "stoi,lsd");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Contains(doc.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("22050 -> 16000"));
        Assert.InRange(doc.RootElement.GetProperty("metrics").GetProperty("stoi").GetDouble(), 0.93, 0.97);
    }

    [Fact]
    public void AlignShiftsBeforeScoring()
    {
        var (code, stdout, _) = Cli.Run("metrics", PairFile("libri1_ref.wav"), PairFile("libri1_shift80.wav"), "--json", "--align", "--only", "snr,stoi");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.True(doc.RootElement.GetProperty("metrics").GetProperty("stoi").GetDouble() > 0.999);
        Assert.Contains("aligned", doc.RootElement.GetProperty("notes")[0].GetString());
    }

    [Fact]
    public void ListDefinesEveryMetric()
    {
        var (code, stdout, _) = Cli.Run("metrics", "--list");
        Assert.Equal(0, code);
        foreach (var m in LatentAudio.Metrics.MetricRegistry.All)
            Assert.Contains(m.Info.Key, stdout);
        Assert.Contains("Taal", stdout);
        var (jcode, json, _) = Cli.Run("metrics", "--list", "--json");
        Assert.Equal(0, jcode);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(LatentAudio.Metrics.MetricRegistry.All.Count, doc.RootElement.GetArrayLength());
        // the loudness figures are the level-dependent ones (issue 16 item 10)
        Assert.Equal(["lufs_ref", "lufs_deg", "lufs_diff"], doc.RootElement.EnumerateArray()
            .Where(m => m.GetProperty("level_dependent").GetBoolean()).Select(m => m.GetProperty("key").GetString()));
    }

    [Fact]
    public void BadInputExitsWithTwo()
    {
        Assert.Equal(2, Cli.Run("metrics", PairFile("libri1_ref.wav")).Code);
        Assert.Equal(2, Cli.Run("metrics", PairFile("libri1_ref.wav"), "/nonexistent/x.wav").Code);
        var (code, _, err) = Cli.Run("metrics", PairFile("libri1_ref.wav"), PairFile("libri1_ref.wav"), "--only", "nope");
        Assert.Equal(2, code);
        Assert.Contains("unknown metric 'nope'", err);
        using var tmp = new TestPaths.TempDir();
        File.WriteAllBytes(tmp.File("junk.wav"), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
        Assert.Equal(2, Cli.Run("metrics", PairFile("libri1_ref.wav"), tmp.File("junk.wav")).Code);
        Assert.Equal(2, Cli.Run("metrics", PairFile("libri1_ref.wav"), PairFile("libri1_ref.wav"), "--rate", "0").Code);
    }

    [Fact]
    public void ShortSignalsGiveReasonsNotCrashes()
    {
        using var tmp = new TestPaths.TempDir();
        var a = AudioFile.Read(PairFile("libri1_ref.wav")).Slice(20000, 3000);
        string f = tmp.File("tiny.wav");
        WavWriter.Write(f, a);
        var (code, stdout, err) = Cli.Run("metrics", f, f, "--json");
        Assert.True(code == 0, err);
        using var doc = JsonDocument.Parse(stdout);
        var metrics = JsonNode.Parse(stdout)!["metrics"]!;
        foreach (var key in new[] { "stoi", "lufs_ref" })
        {
            var outcome = OutcomeJson.Read(metrics[key]);
            Assert.Null(outcome.Value);
            Assert.False(string.IsNullOrWhiteSpace(outcome.Reason), key);
        }
        Assert.Contains(doc.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("stoi:"));
    }
}
