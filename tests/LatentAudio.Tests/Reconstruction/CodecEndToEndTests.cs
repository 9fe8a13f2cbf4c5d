using LatentAudio.Audio;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>encode / decode / rd through the real ONNX VAE and vocoder (the golden tiny model), as a user runs them.</summary>
public class CodecEndToEndTests
{
    [Fact]
    public void EncodeThenDecodeGivesAudioOfTheInputLength()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var (code, output, err) = Cli.Run("encode", TestPaths.Samples("env_robin.wav"), "-o", dir.File("robin.lat"), "--model", model.Folder, "--step", "0.1");
        Assert.True(code == 0, err);
        Assert.Contains("kbps", output);
        var decoded = Cli.Run("decode", dir.File("robin.lat"), "-o", dir.File("robin.wav"), "--model", model.Folder);
        Assert.True(decoded.Code == 0, decoded.Err);
        var y = AudioFile.Read(dir.File("robin.wav"));
        Assert.Equal(AudioFile.Read(TestPaths.Samples("env_robin.wav")).Length, y.Length);
    }

    [Fact]
    public void DecodingWithOtherWeightsIsRefused()
    {
        using var model = new TinyModel();
        using var other = new TinyModel();
        using var dir = new TestPaths.TempDir();
        Assert.Equal(0, Cli.Run("encode", TestPaths.Samples("env_robin.wav"), "-o", dir.File("a.lat"), "--model", model.Folder, "--step", "0.5").Code);
        // Same architecture, one weight changed: the sha256 differs, so the file must not decode with it.
        var weights = Path.Combine(other.Folder, "vae", "diffusion_pytorch_model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(weights, bytes);
        var (code, _, err) = Cli.Run("decode", dir.File("a.lat"), "-o", dir.File("a.wav"), "--model", other.Folder);
        Assert.Equal(2, code);
        Assert.False(File.Exists(dir.File("a.wav")));
        Assert.Single(err.Trim().Split('\n'));
    }
}
