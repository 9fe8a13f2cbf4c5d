using LatentAudio.Cli;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.CommandLine;

/// <summary>Progress on stderr: a bar on a terminal, plain lines otherwise, also with --json; --quiet turns it off.</summary>
public class ProgressTests
{
    [Fact]
    public void TheBarShowsPercentageElapsedAndRemainingOverAllInputs()
    {
        var now = TimeSpan.Zero;
        var w = new StringWriter();
        using (var p = new CliProgress(w, interactive: true, items: 2, clock: () => now))
        {
            p.Next("a.wav");
            now = TimeSpan.FromSeconds(30);
            p.Report(new WorkProgress("window", 1, 2));          // input 1 half done: 25 % of all
            Assert.Equal(0.25, p.Fraction, 12);
            var line = p.Describe();
            Assert.Contains(" 25%", line);
            Assert.Contains("elapsed 0:30", line);
            Assert.Contains("remaining 1:30", line);            // 30 s for 25 %: 90 s to go
            Assert.Contains("window 1/2", line);
            Assert.Contains("1/2 a.wav", line);
            Assert.StartsWith("[######", line);
            p.Next("b.wav");
            now = TimeSpan.FromSeconds(60);
            p.Report(new WorkProgress("window", 2, 2));
            Assert.Equal(1.0, p.Fraction, 12);
            Assert.Contains("100%", p.Describe());
        }
        var text = w.ToString();
        Assert.Contains("\r[", text);            // redrawn in place
        Assert.EndsWith(Environment.NewLine, text);
    }

    [Fact]
    public void PlainLinesAreThrottledByTheClock()
    {
        var now = TimeSpan.Zero;
        var w = new StringWriter();
        var p = new CliProgress(w, interactive: false, items: 1, clock: () => now);
        p.Next("a.wav");                                         // nothing before one interval: quick commands stay quiet
        for (int i = 1; i <= 5; i++)
        {
            now = TimeSpan.FromSeconds(i);                       // 1..5 s: under the interval, no line
            p.Report(new WorkProgress("window", i, 100));
        }
        Assert.Equal("", w.ToString());
        now = TimeSpan.FromSeconds(12);
        p.Report(new WorkProgress("window", 6, 100));
        now = TimeSpan.FromSeconds(15);
        p.Report(new WorkProgress("window", 7, 100));            // 3 s after the last line: none
        now = TimeSpan.FromSeconds(22);
        p.Report(new WorkProgress("window", 8, 100));
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.DoesNotContain('\r', w.ToString());
        Assert.StartsWith("progress 6%: a.wav, window 6/100; elapsed 0:12, remaining 3:08", lines[0]);
        Assert.StartsWith("progress 8%: a.wav, window 8/100; elapsed 0:22", lines[1]);
    }

    [Fact]
    public void QuietWritesNothing()
    {
        var p = new CliProgress(null, interactive: false, items: 1, clock: () => TimeSpan.FromSeconds(100));
        p.Next("a.wav");
        p.Report(new WorkProgress("window", 1, 2));
        p.Line("a -> b/");
        p.Dispose();
        Assert.Equal(0.5, p.Fraction, 12);
    }

    [Fact]
    public void ReconstructWithJsonStillShowsProgressOnStderrAndQuietSilencesIt()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var args = new[] { "reconstruct", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "--metrics", "snr", "--json" };
        var loud = RunEveryReport([.. args, "-o", dir.File("a")]);
        Assert.True(loud.Code == 0, loud.Err);
        Assert.Contains("progress 0%: ", loud.Err);
        Assert.Contains("progress 100%: ", loud.Err);
        Assert.Contains("window 1/1", loud.Err);
        Assert.StartsWith("{", loud.Out.TrimStart());             // stdout is only the JSON
        var quiet = RunEveryReport([.. args, "-o", dir.File("b"), "--quiet"]);
        Assert.True(quiet.Code == 0, quiet.Err);
        Assert.Equal("", quiet.Err);
    }

    [Fact]
    public void EncodeAndLibraryReportWindowsToTheEnd()
    {
        using var model = new TinyModel();
        var seen = new List<LatentAudio.WorkProgress>();
        using var loaded = LatentAudio.Models.AudioLdm.AudioLdmModel.Load(model.Folder, LatentAudio.Models.ModelParts.Vae);
        var codec = new LatentAudio.Codec.LatentCodec(loaded.Vae, loaded.Identity, loaded.FrontEnd);
        var audio = LatentAudio.Audio.AudioFile.Read(TestPaths.Samples("speech_libri1.wav"));
        var long13 = new LatentAudio.Audio.AudioBuffer([[.. audio.Channel(0), .. audio.Channel(0).Take(48000)]], audio.SampleRate);
        using var ms = new MemoryStream();
        codec.Encode(() => new LatentAudio.Audio.BufferAudioReader(long13), ms,
            new LatentAudio.Codec.LatentCodecOptions(LatentAudio.Codec.Quantisation.QuantiserSettings.FixedStep(0.1), LatentAudio.Audio.ChannelMode.Mix),
            "x", new Sync(seen.Add));
        Assert.Equal("scan", seen[0].Stage);
        var windows = seen.Where(s => s.Stage == "window").ToList();
        Assert.Equal(2, windows[^1].Total);                       // 13.24 s: two windows
        Assert.Equal([0L, 1L, 2L], windows.Select(w => w.Done).ToArray());
    }

    /// <summary>The CLI in-process with a progress line for every report (no interval), so no test waits on a clock.</summary>
    private static (int Code, string Out, string Err) RunEveryReport(string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = CliApp.Run(args, new CliContext(o, e) { ProgressInterval = TimeSpan.Zero });
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>IProgress that calls back on the reporting thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class Sync(Action<LatentAudio.WorkProgress> action) : IProgress<LatentAudio.WorkProgress>
    {
        public void Report(LatentAudio.WorkProgress value) => action(value);
    }
}

/// <summary>evaluate's progress: a plain line per item with done/total over the shard, items per hour, time left and failures so far.</summary>
public class EvaluationProgressTests
{
    [Fact]
    public void EachItemPrintsDoneOfTotalRateTimeLeftAndFailuresSoFar()
    {
        var now = TimeSpan.Zero;
        var w = new StringWriter();
        // 5 items in the shard, 1 already complete (resumed) and it had failed.
        var p = new EvaluationProgress(w, total: 5, resumed: 1, failed: 1, clock: () => now);
        now = TimeSpan.FromSeconds(30);
        Assert.Equal("[2/5] speech/a.wav: ok; 120 items/h, 1:30 left, 1 failed", p.ItemDone("speech/a.wav", null));
        now = TimeSpan.FromSeconds(90);                      // 2 items in 90 s: 80/h, 2 to go: 90 s
        Assert.Equal("[3/5] music/x.wav: FAILED: not a WAV file; 80 items/h, 1:30 left, 2 failed", p.ItemDone("music/x.wav", "not a WAV file"));
        now = TimeSpan.FromHours(2);
        Assert.Equal("[4/5] b: ok; 1.5 items/h, 40:00 left, 2 failed", p.ItemDone("b", null));
        Assert.Equal(2, p.Failed);
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.DoesNotContain('\r', w.ToString());
    }
}
