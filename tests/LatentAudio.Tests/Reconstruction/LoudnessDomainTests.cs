using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Metrics;
using LatentAudio.Reports;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// Issue 16 item 10: reconstruct reports the loudness of the files as the user has them (the input as read, the
/// outputs with the gain restored), not after the front-end's peak-0.5 scaling, and names the domain of every
/// level-dependent figure.
/// </summary>
public class LoudnessDomainTests
{
    private static readonly string[] LevelKeys = ["lufs_ref", "lufs_deg", "lufs_diff"];

    /// <summary>3 s of seeded uniform noise at the given RMS level (dBFS), at 16 kHz.</summary>
    private static float[] Noise(double rmsDbfs)
    {
        var rng = new Random(16);
        double amplitude = Math.Pow(10, rmsDbfs / 20) * Math.Sqrt(3);   // uniform on ±a has RMS a/√3
        return Enumerable.Range(0, 3 * 16000).Select(_ => (float)(amplitude * (2 * rng.NextDouble() - 1))).ToArray();
    }

    private static (JsonObject Root, JsonObject Written, JsonObject Printed) Run(TestPaths.TempDir dir, float[] x, string gain)
    {
        using var model = new TinyModel();
        WavWriter.Write(dir.File("x.wav"), AudioBuffer.Mono(x, 16000), WavSampleFormat.Float32);
        string outDir = dir.File("out");
        var (code, stdout, err) = Cli.Run("reconstruct", dir.File("x.wav"), "--model", model.Folder, "-o", outDir,
            "--gain", gain, "--format", "wav32f", "--metrics", "lufs_ref,lufs_deg,lufs_diff,snr");
        Assert.True(code == 0, err);
        Assert.Contains($"level domain: {(gain == "restore" ? "file" : "model")} (lufs_ref, lufs_deg, lufs_diff measured", stdout);
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!.AsObject();
        var written = root["outputs"]!["vae_vocoder"]!["metrics"]!.AsObject();
        var (mcode, mout, merr) = Cli.Run("metrics", Path.Combine(outDir, "input.wav"), Path.Combine(outDir, "vae_vocoder.wav"),
            "--json", "--rate", "16000", "--only", "lufs_ref,lufs_deg,lufs_diff");
        Assert.True(mcode == 0, merr);
        return (root, written, JsonNode.Parse(mout)!["metrics"]!.AsObject());
    }

    /// <summary>The same outcome as `metrics` on the written files: equal reasons, values within 0.01 LU.</summary>
    private static void AssertAgree(JsonObject written, JsonObject printed)
    {
        foreach (var key in LevelKeys)
        {
            var a = OutcomeJson.Read(written[key]);
            var b = OutcomeJson.Read(printed[key]);
            Assert.Equal(b.Reason, a.Reason);
            Assert.Equal(b.Value is null, a.Value is null);
            if (a.Value is double va) Assert.True(Math.Abs(va - b.Value!.Value) <= 0.01, $"{key}: reconstruct {va}, metrics {b.Value}");
        }
    }

    [Fact]
    public void QuietNoiseIsReportedAtItsOwnLoudness()
    {
        using var dir = new TestPaths.TempDir();
        var (root, written, printed) = Run(dir, Noise(-40), "restore");
        AssertAgree(written, printed);
        double lufs = OutcomeJson.Read(written["lufs_ref"]).Value!.Value;
        // The model-domain figure (peak 0.5) is near -9 LUFS; the file's is about -40 (K-weighting lifts noise a little).
        Assert.InRange(lufs, -45, -35);
        Assert.Equal("file", (string?)root["level_domain"]!["domain"]);
        Assert.Equal(LevelKeys, root["level_domain"]!["metrics"]!.AsArray().Select(k => (string?)k));
    }

    [Fact]
    public void DitherAtMinus90DbfsIsBelowTheGateNotAtMinus9Lufs()
    {
        using var dir = new TestPaths.TempDir();
        var (root, written, printed) = Run(dir, Noise(-90), "restore");
        AssertAgree(written, printed);
        var lufs = OutcomeJson.Read(written["lufs_ref"]);
        Assert.Null(lufs.Value);   // below BS.1770's -70 LUFS absolute gate, as `metrics` says of input.wav
        Assert.Contains("-70 LUFS absolute gate", lufs.Reason);
        Assert.Equal("file", (string?)root["level_domain"]!["domain"]);
    }

    [Fact]
    public void WithTheModelsGainTheDomainIsTheModels()
    {
        using var dir = new TestPaths.TempDir();
        var (root, written, printed) = Run(dir, Noise(-40), "model");
        AssertAgree(written, printed);   // input.wav is written at the model's level then
        Assert.InRange(OutcomeJson.Read(written["lufs_ref"]).Value!.Value, -20, 0);
        Assert.Equal("model", (string?)root["level_domain"]!["domain"]);
        Assert.Contains("level domain: model", File.ReadAllText(dir.File("out/report.md")));
    }

    [Fact]
    public void OnlyLoudnessIsMarkedLevelDependent()
    {
        Assert.Equal(LevelKeys, MetricRegistry.All.Where(m => m.Info.LevelDependent).Select(m => m.Info.Key));
    }
}
