using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Cli;
using LatentAudio.Models;
using LatentAudio.Tests.Codec;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.Reliability;

/// <summary>
/// One bad input does not stop a batch (issue 16, item 3): every input is tried, each failure is one line naming its
/// file, the others complete, a summary line counts them, and the exit code is 2 when any input was bad.
/// </summary>
public class BatchFailureTests
{
    private const string Garbage = "this is not audio, only a few words of text in a file named .wav";

    /// <summary>a.wav (good), b.wav (not audio), c.wav (good) in a folder.</summary>
    private static string GoodBadGood(TestPaths.TempDir dir, double seconds = 1.0)
    {
        var inputs = Directory.CreateDirectory(dir.File("in")).FullName;
        WavWriter.Write(Path.Combine(inputs, "a.wav"), CodecTestData.Tone(seconds, seed: 1), WavSampleFormat.Pcm16);
        File.WriteAllText(Path.Combine(inputs, "b.wav"), Garbage);
        WavWriter.Write(Path.Combine(inputs, "c.wav"), CodecTestData.Tone(seconds, seed: 2), WavSampleFormat.Pcm16);
        return inputs;
    }

    /// <summary>The error lines (not the summary, not progress) that name <paramref name="file"/>.</summary>
    private static List<string> ErrorLinesNaming(string stderr, string command, string file) =>
        stderr.Split('\n').Where(l => l.StartsWith($"latentaudio {command}: ", StringComparison.Ordinal) && l.Contains(file)).ToList();

    [Fact]
    public void InfoTriesEveryFile()
    {
        using var dir = new TestPaths.TempDir();
        var inputs = GoodBadGood(dir);
        string a = Path.Combine(inputs, "a.wav"), b = Path.Combine(inputs, "b.wav"), c = Path.Combine(inputs, "c.wav");
        var (code, stdout, stderr) = Cli.Run("info", a, b, dir.File("missing.wav"), c);
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.Contains(a, stdout);
        Assert.Contains(c, stdout);
        Assert.Single(ErrorLinesNaming(stderr, "info", b));
        Assert.Single(ErrorLinesNaming(stderr, "info", "missing.wav"));
        Assert.Contains("2 done, 0 skipped, 2 failed", stderr);
    }

    [Fact]
    public void InfoJsonListsTheFilesThatWereRead()
    {
        using var dir = new TestPaths.TempDir();
        var inputs = GoodBadGood(dir);
        var (code, stdout, stderr) = Cli.Run("info", "--json", Path.Combine(inputs, "a.wav"), Path.Combine(inputs, "b.wav"), Path.Combine(inputs, "c.wav"));
        Assert.Equal(CliApp.ExitBadInput, code);
        var rows = JsonNode.Parse(stdout)!.AsArray();
        Assert.Equal(["a.wav", "c.wav"], rows.Select(r => Path.GetFileName(r!["file"]!.GetValue<string>())).ToArray());
        Assert.Contains("2 done, 0 skipped, 1 failed", stderr);
    }

    [Fact]
    public void InfoOfGoodFilesStillExitsZero()
    {
        using var dir = new TestPaths.TempDir();
        var inputs = GoodBadGood(dir);
        var (code, _, stderr) = Cli.Run("info", Path.Combine(inputs, "a.wav"), Path.Combine(inputs, "c.wav"));
        Assert.True(code == 0, stderr);
        Assert.Contains("2 done, 0 skipped, 0 failed", stderr);
    }

    [Fact]
    public void EncodeCodesTheGoodInputsAndResumeSkipsThem()
    {
        using var dir = new TestPaths.TempDir();
        var inputs = GoodBadGood(dir, seconds: 1.5);
        var outs = dir.File("lat");
        var command = new EncodeCommand(new FakeCodecModels());
        var (code, _, stderr) = Run(command, inputs, "-o", outs, "--model", "test/fake-vae", "--step", "0.1");
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.True(File.Exists(Path.Combine(outs, "a.lat")), stderr);
        Assert.True(File.Exists(Path.Combine(outs, "c.lat")), stderr);
        Assert.False(File.Exists(Path.Combine(outs, "b.lat")));
        Assert.Single(ErrorLinesNaming(stderr, "encode", Path.Combine(inputs, "b.wav")));
        Assert.Contains("2 done, 0 skipped, 1 failed", stderr);

        var again = Run(new EncodeCommand(new FakeCodecModels()), inputs, "-o", outs, "--model", "test/fake-vae", "--step", "0.1", "--resume");
        Assert.Equal(CliApp.ExitBadInput, again.Code);
        Assert.Contains("0 done, 2 skipped, 1 failed", again.Err);
    }

    [Fact]
    public void RdScoresTheGoodInputs()
    {
        using var dir = new TestPaths.TempDir();
        var inputs = GoodBadGood(dir, seconds: 1.0);
        var outs = dir.File("rd");
        var (code, _, stderr) = Run(new RdCommand(new FakeCodecModels(), RdCommand.WaveformMetrics), inputs, "-o", outs, "--model", "test/fake-vae", "--kbps", "8");
        Assert.Equal(CliApp.ExitBadInput, code);
        var csv = File.ReadAllText(Path.Combine(outs, "rd.csv"));
        Assert.Contains("a.wav", csv);
        Assert.Contains("c.wav", csv);
        Assert.DoesNotContain("b.wav", csv);
        Assert.Single(ErrorLinesNaming(stderr, "rd", Path.Combine(inputs, "b.wav")));
        Assert.Contains("2 done, 0 skipped, 1 failed", stderr);
    }

    [Fact]
    public void ReconstructDoesTheThirdInputAndResumeStopsNowhere()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var inputs = GoodBadGood(dir, seconds: 1.0);
        var outs = dir.File("out");
        string[] args = ["reconstruct", inputs, "--model", model.Folder, "-o", outs, "--metrics", "snr", "--decoder", "vocoder"];
        var (code, _, stderr) = Cli.Run(args);
        Assert.Equal(CliApp.ExitBadInput, code);
        Assert.True(File.Exists(Path.Combine(outs, "a", "metrics.json")), stderr);
        Assert.True(File.Exists(Path.Combine(outs, "c", "metrics.json")), stderr);
        Assert.False(File.Exists(Path.Combine(outs, "b", "metrics.json")));
        Assert.Single(ErrorLinesNaming(stderr, "reconstruct", Path.Combine(inputs, "b.wav")));
        Assert.Contains("2 done, 0 skipped, 1 failed", stderr);

        var resumed = Cli.Run([.. args, "--resume"]);
        Assert.Equal(CliApp.ExitBadInput, resumed.Code);
        Assert.Contains("0 done, 2 skipped, 1 failed", resumed.Err);
    }

    private static (int Code, string Out, string Err) Run(ICommand command, params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code;
        try { code = command.Run(new CommandArgs(args), new CliContext(o, e)); }
        catch (InvalidInputException ex) { e.WriteLine($"latentaudio {command.Name}: {ex.Message}"); code = CliApp.ExitBadInput; }
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>The codec on the fake VAE and front-end of the codec tests (fast, no ONNX).</summary>
    private sealed class FakeCodecModels : ICodecModelProvider
    {
        public CodecModel Load(string spec, string? revision) =>
            new(new FakeAutoencoder(), CodecTestData.ModelA, new FakeFrontEnd(),
                mel => Enumerable.Range(0, mel.Shape[0] * 160 + 32).Select(i => (float)(0.25 * Math.Sin(i * 0.05))).ToArray());
    }
}
