using LatentAudio.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace LatentAudio.Tests.Models;

public sealed class ModelCliTests
{
    private static string Vae(string c, string f) => TestPaths.Fixtures("models", "vae", c, f);
    private static string Voc(string c, string f) => TestPaths.Fixtures("models", "vocoder", "normalize_false", c, f);

    [Fact]
    public void EncodeDecodeVocodeMatchTheReference()
    {
        using var m = new TinyModelFolder();
        var r = Cli.Run("encode-latent", Vae("T64", "input.npy"), "--model", m.Path, "-o", m.File("z.npy"), "--threads", "1");
        Assert.True(r.Code == 0, r.Err);
        var z = NpyFile.Read(m.File("z.npy"));
        Assert.Equal([8, 16, 16], z.Shape);
        Assert.True(z.MaxAbsDifference(NpyFile.Read(Vae("T64", "posterior_mean.npy")).Reshape(8, 16, 16)) <= 2e-5f);

        r = Cli.Run("decode-latent", Vae("T64", "posterior_mean.npy"), "--model", m.Path, "-o", m.File("mel.npy"));
        Assert.True(r.Code == 0, r.Err);
        var mel = NpyFile.Read(m.File("mel.npy"));
        Assert.Equal([64, 64], mel.Shape);
        Assert.True(mel.MaxAbsDifference(NpyFile.Read(Vae("T64", "decoded_from_mean.npy")).Reshape(64, 64)) <= 2e-4f);

        r = Cli.Run("vocode", Voc("T100", "input.npy"), "--model", m.Path, "-o", m.File("wave.npy"));
        Assert.True(r.Code == 0, r.Err);
        var wave = NpyFile.Read(m.File("wave.npy"));
        Assert.Equal([160 * 100 + 32], wave.Shape);
        Assert.True(wave.MaxAbsDifference(NpyFile.Read(Voc("T100", "waveform.npy")).Reshape(16032)) <= 5e-6f);

        r = Cli.Run("vocode", m.File("mel.npy"), "--model", m.Path, "-o", m.File("out.wav"));
        Assert.True(r.Code == 0, r.Err);
        Assert.Equal(44 + 2 * (160 * 64 + 32), new FileInfo(m.File("out.wav")).Length);
        // An existing output is kept unless --force.
        Assert.Equal(2, Cli.Run("vocode", m.File("mel.npy"), "--model", m.Path, "-o", m.File("out.wav")).Code);
        Assert.Equal(0, Cli.Run("vocode", m.File("mel.npy"), "--model", m.Path, "-o", m.File("out.wav"), "--force").Code);
    }

    [Fact]
    public void SampleIsSeededAndDiffersFromTheMean()
    {
        using var m = new TinyModelFolder(vocoder: false);
        string[] Args(string o, int seed) => ["encode-latent", Vae("T64", "input.npy"), "--model", m.Path, "-o", m.File(o), "--sample", "--seed", seed.ToString()];
        Assert.Equal(0, Cli.Run(Args("a.npy", 7)).Code);
        Assert.Equal(0, Cli.Run(Args("b.npy", 7)).Code);
        Assert.Equal(0, Cli.Run(Args("c.npy", 8)).Code);
        var a = NpyFile.Read(m.File("a.npy"));
        Assert.Equal(0f, a.MaxAbsDifference(NpyFile.Read(m.File("b.npy"))));
        Assert.True(a.MaxAbsDifference(NpyFile.Read(m.File("c.npy"))) > 1e-3f);
        Assert.True(a.MaxAbsDifference(NpyFile.Read(Vae("T64", "posterior_mean.npy")).Reshape(8, 16, 16)) > 1e-3f);
    }

    [Fact]
    public void AFolderNeedsOnlyThePartsACommandUses()
    {
        using var m = new TinyModelFolder(vae: false);
        Assert.Equal(0, Cli.Run("vocode", Voc("T7", "input.npy"), "--model", m.Path, "-o", m.File("w.npy")).Code);
        var r = Cli.Run("encode-latent", Vae("T64", "input.npy"), "--model", m.Path, "-o", m.File("z.npy"));
        Assert.Equal(2, r.Code);
        Assert.Contains("no vae/", r.Err);
    }

    [Fact]
    public void BadInputsAreExitCode2()
    {
        using var m = new TinyModelFolder();
        var r = Cli.Run("encode-latent", m.File("missing.wav"), "--model", m.Path, "-o", m.File("z.npy"));
        Assert.Equal(2, r.Code);
        Assert.Contains("no such file", r.Err);
        r = Cli.Run("vocode", Vae("T64", "posterior_mean.npy"), "--model", m.Path, "-o", m.File("w.npy"));
        Assert.Equal(2, r.Code);
        Assert.Equal(2, Cli.Run("decode-latent", Vae("T64", "posterior_mean.npy"), "-o", m.File("x.npy")).Code);
        Assert.Equal(2, Cli.Run("vocode", Voc("T7", "input.npy"), "--model", m.Path, "-o", m.File("w.mp3")).Code);
    }

    [Fact]
    public void ExportedOnnxFilesRunInAPlainSession()
    {
        using var m = new TinyModelFolder();
        var outDir = m.File("onnx");
        var r = Cli.Run("export-onnx", m.Path, "-o", outDir);
        Assert.True(r.Code == 0, r.Err);
        var meta = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "latentaudio_model.json"))).RootElement;
        Assert.Equal(0.4110932946205139, meta.GetProperty("vae").GetProperty("scaling_factor").GetDouble());
        Assert.Equal(64, meta.GetProperty("mel").GetProperty("n_mels").GetInt32());

        Tensor RunPlain(string file, string inputName, Tensor input, string outputName)
        {
            using var session = new InferenceSession(Path.Combine(outDir, file));
            using var value = OrtValue.CreateTensorValueFromMemory(input.Data, input.Shape.Select(d => (long)d).ToArray());
            using var results = session.Run(new RunOptions(), [inputName], [value], [outputName]);
            return new Tensor(results[0].GetTensorDataAsSpan<float>().ToArray(), results[0].GetTensorTypeAndShape().Shape.Select(d => (int)d).ToArray());
        }
        var mean = RunPlain("vae_encoder.onnx", "mel", NpyFile.Read(Vae("T250", "input.npy")), "mean");
        Assert.True(mean.MaxAbsDifference(NpyFile.Read(Vae("T250", "posterior_mean.npy"))) <= 2e-5f);
        var mel = RunPlain("vae_decoder.onnx", "latent", NpyFile.Read(Vae("T250", "posterior_mean.npy")), "mel_out");
        Assert.True(mel.MaxAbsDifference(NpyFile.Read(Vae("T250", "decoded_from_mean.npy"))) <= 2e-4f);
        var wave = RunPlain("vocoder.onnx", "mel", NpyFile.Read(Voc("T100", "input.npy")), "waveform");
        Assert.True(wave.MaxAbsDifference(NpyFile.Read(Voc("T100", "waveform.npy"))) <= 5e-6f);
    }
}
