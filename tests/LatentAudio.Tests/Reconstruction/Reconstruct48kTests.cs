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
        // The fixture's folder holds the random-weights marker: a .pth's report says loudly that its weights are random.
        Assert.Equal("warning", json.AsObject().First().Key);
        Assert.Equal(LatentAudio.Models.AudioLdm.AudioLdmModel.RandomWeightsWarning, json["warning"]!.GetValue<string>());
        Assert.True(json["model"]!["random_weights"]!.GetValue<bool>());
        Assert.Contains("RANDOM WEIGHTS", File.ReadAllLines(Path.Combine(outDir, "report.md"))[0]);
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
    public void StageCommandsAndExportRunOnTheCheckpoint()
    {
        using var dir = new TestPaths.TempDir();
        var mel = LatentAudio.Tensors.NpyFile.Read(LatentAudio.Tests.Models.Tiny48kCheckpoint.File("log_mel.npy"));
        LatentAudio.Tensors.NpyFile.Write(dir.File("mel.npy"), mel);
        var (code, _, err) = Cli.Run("encode-latent", dir.File("mel.npy"), "--model", Checkpoint, "-o", dir.File("z.npy"));
        Assert.True(code == 0, err);
        var z = LatentAudio.Tensors.NpyFile.Read(dir.File("z.npy"));
        // The original AutoencoderKL's posterior mean (make_golden.py), through the command.
        Assert.True(z.MaxAbsDifference(LatentAudio.Tensors.NpyFile.Read(LatentAudio.Tests.Models.Tiny48kCheckpoint.File("posterior_mean.npy")).Reshape(16, 8, 32)) <= 3e-5f);
        (code, _, err) = Cli.Run("decode-latent", dir.File("z.npy"), "--model", Checkpoint, "-o", dir.File("mel_hat.npy"));
        Assert.True(code == 0, err);
        Assert.Equal([64, 256], LatentAudio.Tensors.NpyFile.Read(dir.File("mel_hat.npy")).Shape);
        (code, _, err) = Cli.Run("vocode", dir.File("mel_hat.npy"), "--model", Checkpoint, "-o", dir.File("y.wav"));
        Assert.True(code == 0, err);
        var y = AudioFile.Read(dir.File("y.wav"));
        Assert.Equal((48000, 480 * 64 + 16), (y.SampleRate, (int)y.Length));
        (code, _, err) = Cli.Run("export-onnx", Checkpoint, "-o", dir.File("onnx"));
        Assert.True(code == 0, err);
        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.File("onnx"), "latentaudio_model.json")))!;
        Assert.Equal((48000, 256, 8, 480), (meta["mel"]!["sample_rate"]!.GetValue<int>(), meta["mel"]!["n_mels"]!.GetValue<int>(),
            meta["vae"]!["downsample_factor"]!.GetValue<int>(), meta["vocoder"]!["samples_per_frame"]!.GetValue<int>()));
        Assert.True(File.Exists(Path.Combine(dir.File("onnx"), "vocoder.onnx")));
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
        Assert.False(model.RandomWeights); // no marker beside this copy
        using var marked = LatentAudio.Models.AudioLdm.AudioLdmModel.Load(Checkpoint, LatentAudio.Models.ModelParts.Vae);
        Assert.True(marked.RandomWeights); // the fixture folder's LATENTAUDIO_RANDOM_WEIGHTS
        Assert.Equal(8, model.Vae.Downsample);
        Assert.Null(model.Vocoder);
    }
}
