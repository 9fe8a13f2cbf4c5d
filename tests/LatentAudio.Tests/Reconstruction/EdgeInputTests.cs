using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Reports;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>Degenerate inputs still give finite samples and, per metric, a finite value or a reason.</summary>
public class EdgeInputTests
{
    public static TheoryData<string> Signals => new() { "short", "silence", "dc", "square", "clipped" };

    [Theory]
    [MemberData(nameof(Signals))]
    public void NoNaNAnywhere(string kind)
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        int n = kind == "short" ? 1200 : 16000;
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = kind switch
            {
                "short" => (float)(0.3 * Math.Sin(i * 0.05)),
                "silence" => 0f,
                "dc" => 0.4f,
                "square" => (i / 40) % 2 == 0 ? 1f : -1f,
                _ => Math.Clamp((float)(3 * Math.Sin(i * 0.01)), -1f, 1f),
            };
        WavWriter.Write(dir.File("x.wav"), AudioBuffer.Mono(x, 16000), WavSampleFormat.Float32);
        var (code, _, err) = Cli.Run("reconstruct", dir.File("x.wav"), "--model", model.Folder, "-o", dir.File("out"), "--decoder", "all", "--iterations", "2", "--metrics", "snr,lsd");
        Assert.True(code == 0, err);
        var files = Directory.GetFiles(dir.File("out"), "*.wav");
        Assert.Equal(5, files.Length); // input + 2 decoders x (vae, oracle)
        foreach (var f in files)
        {
            var y = AudioFile.Read(f);
            Assert.Equal(n, y.Length);
            for (int c = 0; c < y.ChannelCount; c++)
                Assert.True(y.Channel(c).All(float.IsFinite), $"{Path.GetFileName(f)} has a non-finite sample");
        }
        var outputs = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "metrics.json")))!["outputs"]!.AsObject();
        Assert.Equal(4, outputs.Count);
        foreach (var (name, output) in outputs)
            foreach (var key in new[] { "snr", "lsd" })
            {
                var outcome = OutcomeJson.Read(output!["metrics"]![key]);
                if (outcome.Value is double v) Assert.True(double.IsFinite(v), $"{name} {key}");
                else Assert.False(string.IsNullOrWhiteSpace(outcome.Reason), $"{name} {key}: no value and no reason");
            }
    }
}
