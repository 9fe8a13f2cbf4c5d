using LatentAudio.Audio;
using LatentAudio.Cli;
using LatentAudio.Codec.Container;

namespace LatentAudio.Tests.Codec;

public class CodecCliTests
{
    private sealed class FakeProvider(LatentAudio.Models.ModelIdentity identity) : ICodecModelProvider
    {
        public List<string> Loaded { get; } = [];
        public CodecModel Load(string spec, string? revision)
        {
            Loaded.Add(spec + (revision is null ? "" : "@" + revision));
            return new CodecModel(new FakeAutoencoder(), identity, new FakeFrontEnd(),
                mel => Enumerable.Range(0, mel.Shape[0] * 160 + 32).Select(i => (float)(0.25 * Math.Sin(i * 0.05) * Math.Exp(0.1 * mel.Data[(Math.Min(i / 160, mel.Shape[0] - 1)) * 64]))).ToArray());
        }
    }

    private static (int Code, string Out, string Err) Run(ICommand command, params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code;
        try { code = command.Run(new CommandArgs(args), new CliContext(o, e)); }
        catch (InvalidInputException ex) { e.WriteLine(ex.Message); code = CliApp.ExitBadInput; }
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void EncodeThenDecodeAFolder()
    {
        using var tmp = new TestPaths.TempDir();
        var inDir = Directory.CreateDirectory(tmp.File("in")).FullName;
        WavWriter.Write(Path.Combine(inDir, "a.wav"), CodecTestData.Tone(1.5, rate: 16000));
        WavWriter.Write(Path.Combine(inDir, "b.wav"), CodecTestData.Tone(2.0, rate: 44100, channels: 2, seed: 3));
        var provider = new FakeProvider(CodecTestData.ModelA);

        var enc = Run(new EncodeCommand(provider), inDir, "-o", tmp.File("lat"), "--model", "test/fake-vae", "--kbps", "6", "--report", tmp.File("r.json"));
        Assert.True(enc.Code == 0, enc.Err);
        Assert.Contains("actual file", enc.Out);
        Assert.True(File.Exists(tmp.File("lat/a.lat")) && File.Exists(tmp.File("lat/b.lat")));
        // The JSON report's values: one entry per input, its file size that of the .lat written, and the kbps that size.
        using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(tmp.File("r.json"))))
        {
            var entries = json.RootElement.EnumerateArray().ToList();
            Assert.Equal(2, entries.Count);
            var bytesByDuration = entries.ToDictionary(e => e.GetProperty("duration_s").GetDouble(), e => e.GetProperty("file_bytes").GetInt64());
            Assert.Equal(new FileInfo(tmp.File("lat/a.lat")).Length, bytesByDuration[1.5]);
            Assert.Equal(new FileInfo(tmp.File("lat/b.lat")).Length, bytesByDuration[2.0]);
            foreach (var e in entries)
                Assert.Equal(e.GetProperty("file_bytes").GetInt64() * 8 / e.GetProperty("duration_s").GetDouble() / 1000,
                    e.GetProperty("actual_kbps").GetDouble(), 1e-9);
        }

        var dec = Run(new DecodeCommand(provider), tmp.File("lat"), "-o", tmp.File("out"));
        Assert.True(dec.Code == 0, dec.Err);
        var b = AudioFile.Read(tmp.File("out/b.wav"));
        Assert.Equal((44100, 88200, 1), (b.SampleRate, b.Length, b.ChannelCount));
        Assert.Contains("test/fake-vae@0123abcd", provider.Loaded); // decode loads the model the file names

        // existing outputs are kept unless --force
        var again = Run(new EncodeCommand(provider), tmp.File("in/a.wav"), "-o", tmp.File("lat/a.lat"), "--model", "m", "--step", "0.1");
        Assert.Equal(2, again.Code);
        Assert.Contains("already exists", again.Err);
    }

    [Fact]
    public void DecodeWithAnotherModelIsRefused()
    {
        using var tmp = new TestPaths.TempDir();
        WavWriter.Write(tmp.File("a.wav"), CodecTestData.Tone(1.0));
        Assert.Equal(0, Run(new EncodeCommand(new FakeProvider(CodecTestData.ModelA)), tmp.File("a.wav"), "-o", tmp.File("a.lat"), "--model", "x", "--step", "0.1").Code);
        var r = Run(new DecodeCommand(new FakeProvider(CodecTestData.ModelB)), tmp.File("a.lat"), "-o", tmp.File("a.wav2.wav"), "--model", "other/vae");
        Assert.Equal(2, r.Code);
        Assert.Contains("test/fake-vae", r.Err);
        Assert.Contains("other/vae", r.Err);
    }

    [Fact]
    public void HeaderClaimingAHugeLengthExitsWith2WithoutABigAllocation()
    {
        using var tmp = new TestPaths.TempDir();
        WavWriter.Write(tmp.File("a.wav"), CodecTestData.Tone(12.0));
        var provider = new FakeProvider(CodecTestData.ModelA);
        Assert.Equal(0, Run(new EncodeCommand(provider), tmp.File("a.wav"), "-o", tmp.File("a.lat"), "--model", "x", "--step", "0.1").Code);
        File.WriteAllBytes(tmp.File("huge.lat"), DecoderCapsTests.HugeClaim(File.ReadAllBytes(tmp.File("a.lat"))));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var r = Run(new DecodeCommand(provider), tmp.File("huge.lat"), "-o", tmp.File("huge.wav"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2, r.Code);
        Assert.Contains("huge.lat", r.Err);
        Assert.True(allocated < 8 << 20, $"allocated {allocated} bytes");
        Assert.False(File.Exists(tmp.File("huge.wav")));
    }

    [Fact]
    public void DecodeWritesTheExactInputLengthForAMultiWindowStereoFile()
    {
        using var tmp = new TestPaths.TempDir();
        var input = CodecTestData.Tone(27.3, rate: 44100, channels: 2, seed: 5);
        WavWriter.Write(tmp.File("long.wav"), input);
        var provider = new FakeProvider(CodecTestData.ModelA);
        Assert.Equal(0, Run(new EncodeCommand(provider), tmp.File("long.wav"), "-o", tmp.File("long.lat"), "--model", "x", "--step", "0.1", "--channels", "each").Code);
        var dec = Run(new DecodeCommand(provider), tmp.File("long.lat"), "-o", tmp.File("back.wav"));
        Assert.True(dec.Code == 0, dec.Err);
        var back = AudioFile.Read(tmp.File("back.wav"));
        Assert.Equal((input.Length, 2, 44100), (back.Length, back.ChannelCount, back.SampleRate));
        Assert.Empty(Directory.GetFiles(tmp.Path, "*.tmp", SearchOption.AllDirectories)); // the streamed WAV was renamed into place
    }

    [Fact]
    public void CorruptFileExitsWith2ThroughTheRealCli()
    {
        using var tmp = new TestPaths.TempDir();
        File.WriteAllBytes(tmp.File("x.lat"), [0x89, (byte)'L', (byte)'A', (byte)'T', 0x0D]);
        var r = Cli.Run("decode", tmp.File("x.lat"), "-o", tmp.File("x.wav"));
        Assert.Equal(2, r.Code);
        Assert.Contains("truncated", r.Err);
    }

    [Fact]
    public void RdWritesCsvJsonAndHtml()
    {
        using var tmp = new TestPaths.TempDir();
        WavWriter.Write(tmp.File("a.wav"), CodecTestData.Tone(1.2));
        var r = Run(new RdCommand(new FakeProvider(CodecTestData.ModelA), RdCommand.WaveformMetrics), tmp.File("a.wav"), "--model", "m", "-o", tmp.File("rd"), "--kbps", "16,4,2");
        Assert.True(r.Code == 0, r.Err);
        var csv = File.ReadAllLines(tmp.File("rd/rd.csv"));
        Assert.StartsWith("input,codec,setting,actual_kbps", csv[0]);
        Assert.Equal(1 + 1 + 3 + 6, csv.Length); // header, ceiling, 3 latent points, 6 Opus points
        Assert.Contains("si_sdr", csv[0]);
        Assert.Contains("<svg", File.ReadAllText(tmp.File("rd/rd.html")));
        // rd.json holds the same points as the CSV, with their values
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(tmp.File("rd/rd.json")));
        var points = json.RootElement.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(csv.Length - 1, points.Count);
        Assert.Equal(["latent-ceiling", "latent", "latent", "latent", "opus", "opus", "opus", "opus", "opus", "opus"],
            points.Select(p => p.GetProperty("codec").GetString()));
        Assert.Equal(102.4, points[0].GetProperty("actual_kbps").GetDouble(), 1e-12);
        var opusAsked = LatentAudio.Codec.Opus.OpusBaseline.StandardKbps;
        for (int i = 0; i < 6; i++)
        {
            double actual = points[4 + i].GetProperty("actual_kbps").GetDouble();
            Assert.InRange(actual, opusAsked[i] * 0.9, opusAsked[i] * 1.2);
        }
        Assert.All(points, p => Assert.True(double.IsFinite(p.GetProperty("si_sdr").GetDouble())));
    }
}
