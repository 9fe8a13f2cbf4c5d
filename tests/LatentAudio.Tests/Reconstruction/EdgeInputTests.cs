using LatentAudio.Audio;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>Degenerate inputs still give a result without NaN, or a clear message.</summary>
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
        foreach (var f in Directory.GetFiles(dir.File("out"), "*.wav"))
        {
            var y = AudioFile.Read(f);
            Assert.Equal(n, y.Length);
        }
        Assert.DoesNotContain("NaN", File.ReadAllText(Path.Combine(dir.File("out"), "metrics.json")));
    }
}
