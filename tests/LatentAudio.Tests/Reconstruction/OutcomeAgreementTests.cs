using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Metrics;
using LatentAudio.Reports;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// reconstruct's metrics.json and `metrics --json` give the same outcome for the same pair: with --gain model and
/// --format wav32f the written input.wav and vae_vocoder.wav hold exactly the samples reconstruct scored.
/// </summary>
public class OutcomeAgreementTests
{
    public static TheoryData<string> Inputs => new() { "silence", "dc", "tone" };

    [Theory, MemberData(nameof(Inputs))]
    public void MetricsJsonAndMetricsCommandAgree(string kind)
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        int n = 3 * 16000;
        var x = kind switch
        {
            "silence" => new float[n],
            "dc" => Enumerable.Repeat(0.25f, n).ToArray(),
            _ => Enumerable.Range(0, n).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / 16000.0))).ToArray(),
        };
        WavWriter.Write(dir.File("x.wav"), AudioBuffer.Mono(x, 16000), WavSampleFormat.Float32);
        string outDir = dir.File("out");
        var (code, _, err) = Cli.Run("reconstruct", dir.File("x.wav"), "--model", model.Folder, "-o", outDir,
            "--gain", "model", "--format", "wav32f");
        Assert.True(code == 0, err);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!["outputs"]!["vae_vocoder"]!["metrics"]!.AsObject();

        var (mcode, stdout, merr) = Cli.Run("metrics", Path.Combine(outDir, "input.wav"), Path.Combine(outDir, "vae_vocoder.wav"), "--json", "--rate", "16000");
        Assert.True(mcode == 0, merr);
        var printed = JsonNode.Parse(stdout)!["metrics"]!.AsObject();

        Assert.Equal(MetricRegistry.All.Select(m => m.Info.Key), written.Select(kv => kv.Key));
        Assert.Equal(MetricRegistry.All.Select(m => m.Info.Key), printed.Select(kv => kv.Key));
        foreach (var m in MetricRegistry.All)
        {
            string key = m.Info.Key;
            var a = OutcomeJson.Read(written[key]);
            var b = OutcomeJson.Read(printed[key]);
            Assert.True(a.Value is not null || !string.IsNullOrWhiteSpace(a.Reason), key);
            Assert.False(a.Partial, key); // one segment, one channel
            Assert.Equal(b.Reason, a.Reason);
            Assert.Equal(b.Infinity, a.Infinity);
            if (a.Value is double va)
            {
                Assert.True(double.IsFinite(va), key);
                // The same float32 samples on both paths: any difference is summation order.
                Assert.True(Math.Abs(va - b.Value!.Value) <= 1e-9 * Math.Max(1, Math.Abs(va)), $"{key}: {va} vs {b.Value}");
            }
            else Assert.Null(b.Value);
        }
        if (kind == "silence")
        {
            foreach (var key in new[] { "snr", "si_sdr", "spectral_convergence", "mrstft", "lsd", "stoi" })
                Assert.Null(OutcomeJson.Read(written[key]).Value);
            // The reports give the reason under the table, not a bare n/a.
            Assert.Contains($"vae_vocoder snr: {OutcomeJson.Read(written["snr"]).Reason}", File.ReadAllText(Path.Combine(outDir, "report.md")));
        }
    }
}
