using System.Text.Json.Nodes;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Reconstruction;

public class ReconstructCommandTests
{
    [Fact]
    public void WritesEveryOutputWithExactLengthAndFiniteMetrics()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var outDir = dir.File("robin");
        var (code, _, err) = Cli.Run("reconstruct", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "-o", outDir, "--decoder", "all", "--iterations", "4");
        Assert.True(code == 0, err);
        var input = AudioFile.Read(TestPaths.Samples("env_robin.wav"));
        foreach (var name in new[] { "input", "vae_vocoder", "oracle_vocoder", "vae_griffinlim", "oracle_griffinlim" })
        {
            var audio = AudioFile.Read(Path.Combine(outDir, name + ".wav"));
            Assert.Equal(input.Length, audio.Length);
            Assert.Equal(16000, audio.SampleRate);
        }
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        Assert.Equal(4, json["outputs"]!.AsObject().Count);
        Assert.True(json["timings_s"]!["vocoder"]!.GetValue<double>() > 0);
        Assert.True(json["vae_mel_error"]!["mae"]!.GetValue<double>() > 0);
        Assert.True(File.Exists(Path.Combine(outDir, "report.md")));
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [Fact]
    public void RefusesANonEmptyOutputFolderWithoutForceAndResumeSkipsFinishedInputs()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var outDir = dir.File("out");
        var args = new[] { "reconstruct", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "-o", outDir, "--seconds", "0.5" };
        Assert.Equal(0, Cli.Run(args).Code);
        var again = Cli.Run(args);
        Assert.Equal(2, again.Code);
        Assert.Contains("--force", again.Err);
        var resumed = Cli.Run([.. args, "--resume"]);
        Assert.Equal(0, resumed.Code);
        Assert.Contains("skipped", resumed.Err);
    }

    [Fact]
    public void StereoEachKeepsTheChannelCountAndInputRateOnRequest()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var mono = AudioFile.Read(TestPaths.Samples("music_brahms.wav"), 0, 1.0);
        var resampled = mono.Resample(44100);
        var stereo = new AudioBuffer([resampled.Channel(0), resampled.Channel(0).Select(v => -0.5f * v).ToArray()], 44100);
        WavWriter.Write(dir.File("stereo.wav"), stereo);
        var (code, _, err) = Cli.Run("reconstruct", dir.File("stereo.wav"), "--model", model.Folder, "-o", dir.File("out"), "--output-rate", "input", "--metrics", "snr");
        Assert.True(code == 0, err);
        var y = AudioFile.Read(Path.Combine(dir.File("out"), "vae_vocoder.wav"));
        Assert.Equal(2, y.ChannelCount);
        Assert.Equal(44100, y.SampleRate);
        Assert.Equal(stereo.Length, y.Length);
    }

    [Fact]
    public void BadInputGivesExitTwo()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        Assert.Equal(2, Cli.Run("reconstruct", dir.File("missing.wav"), "--model", model.Folder).Code);
        Assert.Equal(2, Cli.Run("reconstruct", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "--decoder", "nope").Code);
    }

    [Fact]
    public void UnknownHubModelOfflineFailsWithOneLine()
    {
        using var dir = new TestPaths.TempDir();
        var (code, _, err) = Cli.Run("reconstruct", TestPaths.Samples("env_robin.wav"), "--model", "no-such-model-name", "-o", dir.File("o"));
        Assert.NotEqual(0, code);
        Assert.Single(err.Trim().Split('\n'));
    }
}

public class EncodeLatentFromAudioTests
{
    [Fact]
    public void AudioInputGivesTheLatentOfTheFrontEndMel()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var (code, _, err) = Cli.Run("encode-latent", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "-o", dir.File("z.npy"));
        Assert.True(code == 0, err);
        var z = LatentAudio.Tensors.NpyFile.Read(dir.File("z.npy"));
        // 43178 samples are zero-padded to one 10.24 s window, as AudioLDM2's pad_wav does: 1024 frames -> [8, 256, 16]
        // (values: GoldenChainTests)
        Assert.Equal([8, 256, 16], z.Shape);
    }
}
