using LatentAudio.Audio;
using LatentAudio.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// The user's commands against the reference chain, audio file to audio file: AudioLDM2's read_wav_file + pad_wav +
/// wav_to_fbank -> diffusers AutoencoderKl -> transformers SpeechT5HifiGan (golden chain/, tiny random-weight
/// models). env_robin is 2.7 s: the reference zero-pads it to one 10.24 s window, and so must every command.
/// Tolerance 2e-5 for latent and waveform, the issue that proved the VAE and the chain (golden README).
/// </summary>
public sealed class GoldenChainTests(ITestOutputHelper output)
{
    private static string Golden(string stem, string file) => TestPaths.Fixtures("models", "chain", stem, file);

    [Theory]
    [InlineData("speech_libri1")]
    [InlineData("env_robin")]
    public void EncodeLatentOfAudioIsTheReferenceLatent(string stem)
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var (code, _, err) = Cli.Run("encode-latent", TestPaths.Samples(stem + ".wav"), "--model", model.Folder, "-o", dir.File("z.npy"));
        Assert.True(code == 0, err);
        var z = NpyFile.Read(dir.File("z.npy"));
        var golden = NpyFile.Read(Golden(stem, "latent_mean.npy"));
        Assert.Equal(golden.Shape[1..], z.Shape);
        float e = z.MaxAbsDifference(golden.Reshape(golden.Shape[1..]));
        output.WriteLine($"{stem}: encode-latent vs reference latent {e:E2}");
        Assert.True(e <= 2e-5f, $"latent error {e}");
    }

    /// <summary>For any 16 kHz mono input, encode-latent AUDIO = encode-latent of mel --reference AUDIO on the first
    /// window's own frames (all of them for inputs up to 10.24 s).</summary>
    [Theory]
    [InlineData("speech_libri1", 0)]
    [InlineData("env_robin", 0)]
    [InlineData("instrument_trumpet", 0)]
    [InlineData("music_brahms", 3)] // 10.24 s + 3 s: two windows; the first window's own frames are compared
    public void EncodeLatentOfAudioEqualsEncodeLatentOfTheReferenceMel(string stem, int extraSeconds)
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        string input = TestPaths.Samples(stem + ".wav");
        if (extraSeconds > 0)
        {
            var x = AudioFile.Read(input).Channel(0);
            var longer = x.Concat(x.Take(extraSeconds * 16000)).ToArray();
            input = dir.File("longer.wav");
            WavWriter.Write(input, AudioBuffer.Mono(longer, 16000), WavSampleFormat.Float32);
        }
        Assert.Equal(0, Cli.Run("mel", input, "--reference", "-o", dir.File("mel.npy")).Code);
        var viaMel = Cli.Run("encode-latent", dir.File("mel.npy"), "--model", model.Folder, "-o", dir.File("a.npy"));
        Assert.True(viaMel.Code == 0, viaMel.Err);
        var viaAudio = Cli.Run("encode-latent", input, "--model", model.Folder, "-o", dir.File("b.npy"));
        Assert.True(viaAudio.Code == 0, viaAudio.Err);
        var a = NpyFile.Read(dir.File("a.npy"));
        var b = NpyFile.Read(dir.File("b.npy"));
        Assert.Equal(256, a.Shape[1]);
        // the first window's own frames: all 256 for one window, else up to the middle of the first overlap
        int own = b.Shape[1] == 256 ? 256 : new LatentWindowPlan(b.Shape[1], 256, 32).Windows[0].OwnedEnd;
        float e = 0;
        for (int c = 0; c < a.Shape[0]; c++)
            for (int t = 0; t < own; t++)
                for (int r = 0; r < a.Shape[2]; r++)
                    e = Math.Max(e, Math.Abs(a.Data[(c * 256 + t) * a.Shape[2] + r] - b.Data[(c * b.Shape[1] + t) * b.Shape[2] + r]));
        output.WriteLine($"{stem}(+{extraSeconds} s): latent {b.ShapeText}, first {own} frames differ by {e:E2}");
        Assert.True(e <= 2e-5f, $"latent error {e}");
    }

    [Theory]
    [InlineData("speech_libri1")]
    [InlineData("env_robin")]
    public void ReconstructAtModelGainIsTheReferenceWaveform(string stem)
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var (code, _, err) = Cli.Run("reconstruct", TestPaths.Samples(stem + ".wav"), "--model", model.Folder, "-o", dir.File("out"),
            "--gain", "model", "--format", "wav32f", "--metrics", "snr");
        Assert.True(code == 0, err);
        var y = AudioFile.Read(Path.Combine(dir.File("out"), "vae_vocoder.wav")).Channel(0);
        var input = AudioFile.Read(TestPaths.Samples(stem + ".wav"));
        Assert.Equal(input.Length, y.Length); // trimmed to the input's length
        var golden = NpyFile.Read(Golden(stem, "waveform.npy")).Data;
        float e = 0;
        for (int i = 0; i < y.Length; i++) e = Math.Max(e, Math.Abs(y[i] - golden[i]));
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        output.WriteLine($"{stem}: reconstruct vae_vocoder vs reference waveform {e:E2}");
        Assert.True(e <= 2e-5f, $"waveform error {e}");
    }
}
