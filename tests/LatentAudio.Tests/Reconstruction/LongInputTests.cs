using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Reports;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// Inputs longer than one metric segment stream through: exact lengths at both output rates, metrics scored per
/// segment and said so, the report's excerpt capped.
/// </summary>
public class LongInputTests
{
    [Fact]
    public void A_long_stereo_input_streams_through_with_exact_lengths()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        int rate = 22050, n = 65 * rate + 123;
        var left = new float[n];
        var right = new float[n];
        for (int i = 0; i < n; i++)
        {
            left[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 330 * i / rate));
            right[i] = (float)(0.2 * Math.Sin(2 * Math.PI * 550 * i / rate) + 0.05);
        }
        WavWriter.Write(dir.File("long.wav"), new AudioBuffer([left, right], rate), WavSampleFormat.Pcm16);

        var (code, _, err) = Cli.Run("reconstruct", dir.File("long.wav"), "--model", model.Folder, "-o", dir.File("out"),
            "--output-rate", "input", "--metrics", "snr,lsd");
        Assert.True(code == 0, err);
        foreach (var name in new[] { "input", "vae_vocoder", "oracle_vocoder" })
        {
            var y = AudioFile.Read(Path.Combine(dir.File("out"), name + ".wav"));
            Assert.Equal(2, y.ChannelCount);
            Assert.Equal(rate, y.SampleRate);
            Assert.Equal(n, y.Length);
            for (int c = 0; c < 2; c++) Assert.True(y.Channel(c).All(float.IsFinite), $"{name} channel {c} has a non-finite sample");
        }
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "metrics.json")))!;
        string text = json.ToJsonString();
        Assert.Contains("7 consecutive segments", text); // 65 s in segments of at most 10.24 s
        Assert.Contains("first 30 s", text);
        // A tone in both channels: every segment of every channel has both metrics, so each is a complete,
        // finite mean (a plain number in the encoding), not a partial one.
        foreach (var output in new[] { "vae_vocoder", "oracle_vocoder" })
            foreach (var key in new[] { "snr", "lsd" })
            {
                var outcome = OutcomeJson.Read(json["outputs"]![output]!["metrics"]![key]);
                Assert.True(outcome.Value is double v && double.IsFinite(v), $"{output} {key}: {outcome}");
                Assert.False(outcome.Partial, $"{output} {key}");
            }
    }
}
