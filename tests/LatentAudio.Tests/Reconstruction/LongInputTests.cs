using System.Text.Json.Nodes;
using LatentAudio.Audio;

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
        }
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "metrics.json")))!;
        string text = json.ToJsonString();
        Assert.Contains("3 consecutive segments", text);
        Assert.Contains("first 30 s", text);
        Assert.DoesNotContain("NaN", text);
    }
}
