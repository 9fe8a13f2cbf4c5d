using System.Text.Json.Nodes;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// <c>reconstruct --model FILE.pth</c> end to end at 48 kHz on the tiny original-format checkpoint made by the original
/// AudioLDM2 code (reference/audioldm48k): the model's rate, front-end and frame multiple come from the checkpoint.
/// </summary>
public class Reconstruct48kTests
{
    private static string Checkpoint => TestPaths.Fixtures("models", "audioldm48k", "audioldm48k_tiny.pth");

    [Theory]
    [InlineData(48000)] // at the model rate: not resampled
    [InlineData(16000)] // another rate goes to 48 kHz
    public void ReconstructsAt48kFromAnOriginalCheckpoint(int inputRate)
    {
        using var dir = new TestPaths.TempDir();
        var clip = AudioFile.Read(TestPaths.Samples("speech_libri1.wav"), 0, 1.3);
        var input = inputRate == clip.SampleRate ? clip : clip.Resample(inputRate);
        WavWriter.Write(dir.File("in.wav"), input);
        var outDir = dir.File("out");
        var (code, _, err) = Cli.Run("reconstruct", dir.File("in.wav"), "--model", Checkpoint, "-o", outDir, "--metrics", "snr");
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "metrics.json")))!;
        Assert.Equal(48000, json["model_sample_rate"]!.GetValue<int>());
        Assert.Equal(256, json["mel_config"]!["n_mels"]!.GetValue<int>());
        Assert.Equal(480, json["mel_config"]!["hop"]!.GetValue<int>());
        Assert.True(json["vae_mel_error"]!["mae"]!.GetValue<double>() > 0);
        foreach (var name in new[] { "vae_vocoder", "oracle_vocoder" })
        {
            var y = AudioFile.Read(Path.Combine(outDir, name + ".wav"));
            Assert.Equal(48000, y.SampleRate);
            Assert.Equal((long)Math.Round(input.Length * 48000.0 / inputRate), y.Length);
            Assert.Contains(y.Channel(0), v => v != 0);
        }
    }

    [Fact]
    public void AFolderHoldingOneCheckpointIsThatModel()
    {
        using var dir = new TestPaths.TempDir();
        var folder = dir.File("audioldm_48k");
        Directory.CreateDirectory(folder);
        File.Copy(Checkpoint, Path.Combine(folder, "audioldm_48k.pth"));
        using var model = LatentAudio.Models.AudioLdm.AudioLdmModel.Load(folder, LatentAudio.Models.ModelParts.Vae);
        Assert.Equal(48000, model.SampleRate);
        Assert.Equal(8, model.Vae.Downsample);
        Assert.Null(model.Vocoder);
    }
}
