using System.Diagnostics;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Tests.Reconstruction;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Reliability;

/// <summary>
/// SIGKILL at random points of <c>reconstruct</c>, <c>encode</c> and <c>rd</c> over a folder of inputs (issue 8): no
/// output under its final name is ever truncated or different from the uninterrupted run's, each rerun of the same
/// command with <c>--resume</c> carries on from the finished inputs, and the completed set equals the uninterrupted
/// one. The CLI runs as a real child process on the tiny model. CI: 3 kills per command (rd, the slowest: 2 kills over 2 one-second inputs);
/// LATENTAUDIO_KILLS=50 is the long run.
/// </summary>
public class KilledCommandTests(ITestOutputHelper output)
{
    private static int? KillsAsked => int.TryParse(Environment.GetEnvironmentVariable("LATENTAUDIO_KILLS"), out var n) ? n : null;

    [Fact]
    public void Reconstruct() => Run("reconstruct", kills: KillsAsked ?? 3, inputCount: 3, seconds: 2,
        (inputs, outs, model) => ["reconstruct", inputs, "--model", model, "-o", outs, "--metrics", "snr", "--decoder", "vocoder"]);

    [Fact]
    public void Encode() => Run("encode", kills: KillsAsked ?? 3, inputCount: 3, seconds: 4,
        (inputs, outs, model) => ["encode", inputs, "--model", model, "-o", outs, "--step", "0.1"]);

    [Fact]
    public void Rd() => Run("rd", kills: KillsAsked ?? 2, inputCount: 2, seconds: 1,
        (inputs, outs, model) => ["rd", inputs, "--model", model, "-o", outs, "--kbps", "8"]);

    private void Run(string command, int kills, int inputCount, double seconds, Func<string, string, string, string[]> args)
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var inputs = Directory.CreateDirectory(dir.File("in")).FullName;
        var names = new[] { "a", "b", "c" }[..inputCount];
        for (int i = 0; i < names.Length; i++)
            WavWriter.Write(Path.Combine(inputs, names[i] + ".wav"), Tone((int)(seconds * 16000), seed: i), WavSampleFormat.Pcm16);

        var refDir = dir.File("ref");
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, RunCli(args(inputs, refDir, model.Folder), killAfter: null));
        double whole = clock.Elapsed.TotalSeconds;

        var outs = dir.File("out");
        var rng = new Random(command.Length * 31 + 8);
        int killed = 0, completed = 0;
        for (int k = 0; k < kills; k++)
        {
            var delay = TimeSpan.FromSeconds(rng.NextDouble() * whole * 1.1);
            if (RunCli([.. args(inputs, outs, model.Folder), "--resume"], delay) == -9) killed++;
            else
            {
                completed++;
                AssertSameSet(refDir, outs);
                Directory.Delete(outs, recursive: true); // start the set again, so later kills land mid-run too
                continue;
            }
            AssertNoDamagedOutput(refDir, outs);
        }
        // rerunning the same command completes the set, equal to the uninterrupted run
        Assert.Equal(0, RunCli([.. args(inputs, outs, model.Folder), "--resume"], killAfter: null));
        AssertSameSet(refDir, outs);
        output.WriteLine($"{command}: uninterrupted {whole:0.0} s; {kills} runs, {killed} SIGKILLed mid-run, {completed} finished first; no damaged output; resumed set equals the uninterrupted one");
    }

    /// <summary>Every file under a final name equals the uninterrupted run's (hidden temps and folders excepted).</summary>
    private static void AssertNoDamagedOutput(string refDir, string outs)
    {
        if (!Directory.Exists(outs)) return;
        foreach (var f in FinalFiles(outs))
        {
            var rel = Path.GetRelativePath(outs, f);
            var expected = Path.Combine(refDir, rel);
            Assert.True(File.Exists(expected), $"{rel}: not an output of the uninterrupted run");
            Assert.True(SameResult(expected, f), $"{rel} under its final name differs from the uninterrupted output (truncated?)");
        }
    }

    private static void AssertSameSet(string refDir, string outs)
    {
        var want = FinalFiles(refDir).Select(f => Path.GetRelativePath(refDir, f)).Order(StringComparer.Ordinal).ToList();
        var got = FinalFiles(outs).Select(f => Path.GetRelativePath(outs, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(want, got);
        AssertNoDamagedOutput(refDir, outs);
        Assert.False(Directory.Exists(Path.Combine(outs, ".rd-partial")), "rd left its partial rows behind");
    }

    private static IEnumerable<string> FinalFiles(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')));

    /// <summary>
    /// Byte equality, except reconstruct's reports, which carry wall-clock timings: metrics.json is compared without
    /// them, and report.md/.html must be whole (end as the writer ends them).
    /// </summary>
    private static bool SameResult(string expected, string actual)
    {
        switch (Path.GetFileName(actual))
        {
            case "metrics.json":
                return WithoutTimings(expected) == WithoutTimings(actual);
            case "report.md":
                return File.ReadAllText(actual).TrimEnd().EndsWith("(processing seconds per second of audio).", StringComparison.Ordinal);
            case "report.html":
                return File.ReadAllText(actual).TrimEnd().EndsWith("</html>", StringComparison.Ordinal);
            default:
                return File.ReadAllBytes(expected).AsSpan().SequenceEqual(File.ReadAllBytes(actual));
        }

        static string WithoutTimings(string path)
        {
            var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            foreach (var k in new[] { "timings_s", "total_s", "real_time_factor" }) node.Remove(k);
            return node.ToJsonString();
        }
    }

    /// <summary>Runs the CLI as a child process; its exit code, or -9 when it was SIGKILLed after <paramref name="killAfter"/>.</summary>
    private static int RunCli(string[] args, TimeSpan? killAfter) => ChildCli.Run(args, killAfter, TimeSpan.FromMinutes(5));

    /// <summary>A tone with a little noise: something the codec and the metrics treat as audio.</summary>
    private static AudioBuffer Tone(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        double f = 220 * (seed + 1);
        for (int i = 0; i < n; i++) x[i] = (float)(0.3 * Math.Sin(2 * Math.PI * f * i / 16000) + (rng.NextDouble() - 0.5) * 0.05);
        return AudioBuffer.Mono(x, 16000);
    }
}
