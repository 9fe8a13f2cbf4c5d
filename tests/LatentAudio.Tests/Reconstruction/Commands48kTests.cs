using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Codec.Opus;
using LatentAudio.Dsp;
using LatentAudio.Metrics;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// rd, evaluate, encode/decode and mel with the 48 kHz model (the tiny original-format checkpoint made by the original
/// AudioLDM2 code, reference/audioldm48k): everything at the model's rate, Opus at 48 kHz, PESQ/STOI resampling to
/// the rates they are defined at. Short clips keep them quick.
/// </summary>
public class Commands48kTests
{
    private static string Checkpoint => TestPaths.Fixtures("models", "audioldm48k", "audioldm48k_tiny.pth");

    /// <summary>1 s of speech at 48 kHz.</summary>
    private static AudioBuffer Clip48k(double seconds = 1.0) => AudioFile.Read(TestPaths.Samples("speech_libri1.wav"), 0.5, seconds).Resample(48000);

    /// <summary>Opus at <paramref name="kbps"/> on the 48 kHz mono reference, scored by the metrics library at 48 kHz.</summary>
    private static double OpusMetricAt48k(float[] reference, int kbps, string key)
    {
        var enc = OpusBaseline.Encode(reference, kbps, 48000);
        Assert.Equal(48000, enc.SampleRate);
        var decoded = OpusBaseline.Decode(enc.File);
        var report = MetricEvaluator.Evaluate(AudioBuffer.Mono(reference, 48000), AudioBuffer.Mono(decoded, 48000), new MetricOptions(48000), [key]);
        return report.ToDictionary()[key].Value!.Value;
    }

    [Fact]
    public void RdSweepsAtTheModelRateWithOpusAt48k()
    {
        using var dir = new TestPaths.TempDir();
        var clip = Clip48k();
        WavWriter.Write(dir.File("in.wav"), clip);
        var (code, _, err) = Cli.Run("rd", dir.File("in.wav"), "--model", Checkpoint, "--steps", "0.5", "-o", dir.File("rd"), "--quiet");
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.File("rd"), "rd.json")))!;
        Assert.Equal(48000, json["sample_rate"]!.GetValue<int>());
        Assert.Contains("48000 Hz mono mix", json["note"]!.GetValue<string>());
        var points = json["points"]!.AsArray().Select(p => p!.AsObject()).ToList();
        // 16 latent channels x 32 bins x 12.5 latent frames/s (hop 480, factor 8) as float32: 204.8 kbps (AudioLDM2: 102.4).
        var ceiling = Assert.Single(points, p => p["codec"]!.GetValue<string>() == "latent-ceiling");
        Assert.Equal(204.8, ceiling["actual_kbps"]!.GetValue<double>(), 9);
        Assert.Single(points, p => p["codec"]!.GetValue<string>() == "latent");
        var opus = points.Where(p => p["codec"]!.GetValue<string>() == "opus").ToList();
        Assert.Equal(OpusBaseline.StandardKbps.Length, opus.Count);
        // The Opus points are Opus at 48 kHz scored at 48 kHz: the same numbers as the library gives for that pair.
        var reference = AudioFile.Read(dir.File("in.wav")).Channel(0);
        var opus32 = opus.Single(p => p["setting"]!.GetValue<string>() == "32 kbps CBR");
        Assert.Equal(OpusMetricAt48k(reference, 32, "lsd"), opus32["lsd"]!.GetValue<double>(), 9);
        Assert.Equal(OpusMetricAt48k(reference, 32, "si_sdr"), opus32["si_sdr"]!.GetValue<double>(), 9);
        // PESQ WB (16 kHz) and STOI (10 kHz) resample inside the metric: values, not refusals, at a 48 kHz model.
        Assert.InRange(opus32["pesq_wb"]!.GetValue<double>(), 1.0, 4.7);
        Assert.InRange(opus32["stoi"]!.GetValue<double>(), 0.0, 1.0);
    }

    [Fact]
    public void EvaluateScoresAt48kAndCodesOpusAt48k()
    {
        using var dir = new TestPaths.TempDir();
        var clip = Clip48k();
        Directory.CreateDirectory(dir.File("in"));
        WavWriter.Write(Path.Combine(dir.File("in"), "a.wav"), clip);
        var (code, _, err) = Cli.Run("evaluate", dir.File("in"), "-o", dir.File("study"), "--model", Checkpoint,
            "--metrics", "lsd,pesq_wb", "--opus", "12");
        Assert.True(code == 0, err);
        var rows = LatentAudio.Reports.EvaluationRowsJson.ReadFile(Path.Combine(dir.File("study"), "rows", "shard-0-of-1.jsonl")).Rows;
        Assert.Equal(["opus_12kbps", "oracle_vocoder", "vae_vocoder"], rows.Select(r => r.Output).Order().ToArray());
        Assert.All(rows, r => Assert.True(r.Metrics["lsd"].HasValue, r.Output));
        var opusRow = rows.Single(r => r.Output == "opus_12kbps");
        Assert.Equal(OpusMetricAt48k(AudioFile.Read(Path.Combine(dir.File("in"), "a.wav")).Channel(0), 12, "lsd"), opusRow.Metrics["lsd"].Value!.Value, 9);
        Assert.InRange(opusRow.Metrics["pesq_wb"].Value!.Value, 1.0, 4.7);
    }

    [Fact]
    public void EncodeDecodeRoundTripsAt48k()
    {
        using var dir = new TestPaths.TempDir();
        var clip = Clip48k(0.7);
        WavWriter.Write(dir.File("in.wav"), clip);
        var (code, output, err) = Cli.Run("encode", dir.File("in.wav"), "-o", dir.File("a.lat"), "--model", Checkpoint, "--step", "0.1");
        Assert.True(code == 0, err);
        Assert.Contains("@ 48000 Hz in", output);
        Assert.Contains(" 204.8 kbps", output); // the nominal float32 latent of the 48 kHz layout
        Assert.Contains("vs mono PCM at the model's 48000 Hz (768 kbps)", output);
        (code, _, err) = Cli.Run("decode", dir.File("a.lat"), "-o", dir.File("a.wav"), "--model", Checkpoint);
        Assert.True(code == 0, err);
        var y = AudioFile.Read(dir.File("a.wav"));
        Assert.Equal((48000, clip.Length), (y.SampleRate, y.Length));
        Assert.Contains(y.Channel(0), v => v != 0);
    }

    [Fact]
    public void MelTakesTheModelsFrontEnd()
    {
        using var dir = new TestPaths.TempDir();
        var clip = Clip48k(0.5);
        WavWriter.Write(dir.File("in.wav"), clip);
        var (code, _, err) = Cli.Run("mel", dir.File("in.wav"), "-o", dir.File("m48.npy"), "--model", Checkpoint);
        Assert.True(code == 0, err);
        var mel = NpyFile.Read(dir.File("m48.npy"));
        Assert.Equal([1024, 256], mel.Shape); // 0.5 s padded to 10.24 s at hop 480, 256 mels
        var frontEnd = new AudioLdmFrontEnd(MelConfig.AudioLdm48k);
        var expected = frontEnd.ModelMel(frontEnd.Normalize(AudioFile.Read(dir.File("in.wav")).Channel(0)).Samples);
        Assert.Equal(0f, mel.MaxAbsDifference(expected));
        // Without --model: AudioLDM2's 16 kHz front-end, as before.
        (code, _, err) = Cli.Run("mel", dir.File("in.wav"), "-o", dir.File("m16.npy"));
        Assert.True(code == 0, err);
        Assert.Equal([1024, 64], NpyFile.Read(dir.File("m16.npy")).Shape);
        (code, _, err) = Cli.Run("mel", dir.File("in.wav"), "-o", dir.File("ref48.npy"), "--model", Checkpoint, "--reference");
        Assert.True(code == 0, err);
        Assert.Equal([1024, 256], NpyFile.Read(dir.File("ref48.npy")).Shape);
    }
}
