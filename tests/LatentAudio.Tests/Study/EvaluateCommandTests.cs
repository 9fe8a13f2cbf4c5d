using System.Diagnostics;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Reports;

namespace LatentAudio.Tests.Study;

public class EvaluateCommandTests(EvaluateFixture f) : IClassFixture<EvaluateFixture>
{
    private static JsonObject Summary(string outDir) => JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!.AsObject();
    private static string GroupsText(string outDir) => Summary(outDir)["groups"]!.ToJsonString();

    [Fact]
    public void UnshardedRunWritesRowsAndSummaryAndExitsTwoForTheFailedItem()
    {
        var (code, _, err) = f.UnshardedRun;
        Assert.True(code == 2, err);
        // Progress: a plain line per item on stderr, done/total, rate, time left, failures so far.
        var progress = err.Split('\n').Where(l => l.StartsWith('[')).ToList();
        Assert.Equal(5, progress.Count);
        Assert.All(progress, l => Assert.Matches(@"^\[[1-5]/5\] \S+: (ok|FAILED: .+); [0-9.]+ items/h, \d+:\d\d left, [01] failed$", l.TrimEnd()));
        Assert.Contains(progress, l => l.Contains("music/broken.wav: FAILED: "));
        Assert.EndsWith("0:00 left, 1 failed", progress[^1].TrimEnd());
        var (rows, _, torn) = EvaluationRowsJson.ReadFile(Path.Combine(f.Unsharded, "rows", "shard-0-of-1.jsonl"));
        Assert.False(torn);
        // 4 good items x (vae_vocoder, oracle_vocoder) + 1 failure row.
        Assert.Equal(9, rows.Count);
        var failure = Assert.Single(rows, r => r.IsFailure);
        Assert.Equal("music/broken.wav", failure.Id);
        Assert.Equal("music", failure.Category);
        Assert.Contains("format", failure.Failure);
        var good = rows.Single(r => r.Id == "speech/a.wav" && r.Output == "vae_vocoder");
        Assert.Equal("speech", good.Category);
        Assert.Equal(64, good.Model.Sha256.Length);
        Assert.True(good.Metrics["snr"].HasValue);
        Assert.Contains(good.StageSeconds, kv => kv.Key == "vocoder" && kv.Value > 0);
        Assert.Equal("uncategorised", rows.First(r => r.Id == "d.wav").Category);

        var groups = Summary(f.Unsharded)["groups"]!;
        Assert.Equal(5, (int)groups["all"]!["items"]!);
        Assert.Equal(1, (int)groups["music"]!["failures"]!);
        Assert.Equal(0, (int)groups["speech"]!["failures"]!);
        Assert.Equal(1, (int)groups["all"]!["failure_reasons"]!.AsObject().Single().Value!);
        var model = groups["speech"]!["models"]![f.Model.Folder]!;
        var snr = model["outputs"]!["vae_vocoder"]!["snr"]!;
        Assert.Equal(2, (int)snr["n"]!);
        double mean = (double)snr["mean"]!, lo = (double)snr["ci95"]![0]!, hi = (double)snr["ci95"]![1]!;
        Assert.InRange(mean, lo, hi);
        double expected = rows.Where(r => r.Category == "speech" && r.Output == "vae_vocoder").Average(r => r.Metrics["snr"].Value!.Value);
        Assert.Equal(expected, mean, 12);
        // Attribution: vae - oracle, paired per item.
        var pairs = rows.Where(r => r.Category == "speech" && r.Output == "vae_vocoder")
            .Select(v => v.Metrics["lsd"].Value!.Value - rows.Single(o => o.Id == v.Id && o.Output == "oracle_vocoder").Metrics["lsd"].Value!.Value);
        Assert.Equal(pairs.Average(), (double)model["attribution"]!["lsd"]!["mean"]!, 12);
        foreach (var name in new[] { "summary.csv", "summary.md" }) Assert.True(File.Exists(Path.Combine(f.Unsharded, name)), name);

        // summary.html: self-contained, one chart section per metric with bars, whiskers and the items' dots.
        var html = File.ReadAllText(Path.Combine(f.Unsharded, "summary.html"));
        Assert.Equal(3, html.Split("<section id=\"metric-").Length - 1);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("<script", html);
        Assert.True(html.Split("class=\"whisker\"").Length - 1 >= 3 * 3 * 2, "whiskers per metric, category and output");
        Assert.True(html.Split("<circle").Length - 1 >= 3 * 2 * 4 * 2, "a dot per item, output and metric in its category and in all");
        Assert.Contains("Stage attribution", html);
    }

    [Fact]
    public void ManifestItemWithCodecAndOpusGetsRowsWithMeasuredKbpsAndRateDistortionPoints()
    {
        var outDir = f.Dir.File("codec");
        var manifest = f.Dir.File("items.jsonl");
        File.WriteAllText(manifest, $"{{\"path\": \"{Path.Combine(f.Input, "speech", "a.wav")}\", \"id\": \"clip-a\", \"category\": \"talk\", \"duration\": 0.4}}\n");
        var (code, _, err) = Cli.Run(["evaluate", manifest, "-o", outDir, "--model", f.Model.Folder, "--metrics", "snr", "--codec", "0.05", "--opus", "8"]);
        Assert.True(code == 0, err);
        var (rows, _, _) = EvaluationRowsJson.ReadFile(Path.Combine(outDir, "rows", "shard-0-of-1.jsonl"));
        Assert.Equal(["codec_step_0.05", "opus_8kbps", "oracle_vocoder", "vae_vocoder"], rows.Select(r => r.Output).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(("clip-a", "talk"), (r.Id, r.Category)));
        var opus = rows.Single(r => r.Output == "opus_8kbps");
        Assert.InRange(opus.Kbps!.Value, 7.5, 12); // 8 kbps CBR plus the header over 0.4 s
        var codec = rows.Single(r => r.Output == "codec_step_0.05");
        Assert.True(codec.Kbps > 0);
        Assert.True(codec.Metrics["snr"].HasValue);
        Assert.Null(rows.Single(r => r.Output == "vae_vocoder").Kbps);
        var rd = Summary(outDir)["groups"]!["talk"]!["models"]![f.Model.Folder]!["rate_distortion"]!.AsArray();
        Assert.Equal(["latent", "opus"], rd.Select(p => (string)p!["family"]!));
        Assert.Equal(codec.Kbps!.Value, (double)rd[0]!["kbps"]!);
        Assert.Contains("Rate–distortion", File.ReadAllText(Path.Combine(outDir, "summary.html")));
    }

    [Fact]
    public void ThreeShardsMergedInAnyOrderGiveTheUnshardedGroupsByteForByte()
    {
        var outDir = f.Dir.File("sharded");
        foreach (var i in new[] { 2, 0, 1 })
        {
            var (code, _, err) = Cli.Run(f.Args(outDir, "--shard-index", i.ToString(), "--shard-count", "3"));
            Assert.True(code is 0 or 2, err);
        }
        Assert.False(File.Exists(Path.Combine(outDir, "summary.json")));
        var merged = Cli.Run("merge", outDir);
        Assert.True(merged.Code == 2, merged.Err);                  // the broken item failed: exit 2, summary written
        Assert.StartsWith("summary: ", merged.Out);
        Assert.Equal(GroupsText(f.Unsharded), GroupsText(outDir));
        Assert.Equal(File.ReadAllBytes(Path.Combine(f.Unsharded, "summary.csv")), File.ReadAllBytes(Path.Combine(outDir, "summary.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(f.Unsharded, "summary.md")), File.ReadAllBytes(Path.Combine(outDir, "summary.md")));
        Assert.Equal(3, Summary(outDir)["runs"]!.AsArray().Count);

        // A shard with other settings is named, with the setting.
        var done = Path.Combine(outDir, "rows", "shard-1-of-3.done.json");
        var node = JsonNode.Parse(File.ReadAllText(done))!;
        node["settings"]!["decoder"] = "all";
        File.WriteAllText(done, node.ToJsonString());
        var differing = Cli.Run("merge", outDir);
        Assert.Equal(2, differing.Code);
        Assert.Contains("shard 1", differing.Err);
        Assert.Contains("decoder", differing.Err);

        // A missing shard is named.
        File.Delete(done);
        var missing = Cli.Run("merge", outDir);
        Assert.Equal(2, missing.Code);
        Assert.Contains("missing or unfinished: 1 ", missing.Err);
    }

    [Fact]
    public void ResumeAfterATornLineGivesTheUninterruptedSummary()
    {
        var outDir = f.Dir.File("torn");
        Directory.CreateDirectory(Path.Combine(outDir, "rows"));
        foreach (var name in new[] { "shard-0-of-1.jsonl", "shard-0-of-1.settings.json" })
            File.Copy(Path.Combine(f.Unsharded, "rows", name), Path.Combine(outDir, "rows", name));
        // What a kill leaves: three whole rows and half of the fourth, no done marker, no summary.
        var rowsPath = Path.Combine(outDir, "rows", "shard-0-of-1.jsonl");
        var lines = File.ReadAllLines(rowsPath);
        File.WriteAllText(rowsPath, string.Join("\n", lines.Take(3)) + "\n" + lines[3][..(lines[3].Length / 2)]);

        var refused = Cli.Run(f.Args(outDir));
        Assert.Equal(2, refused.Code);
        Assert.Contains("--resume", refused.Err);

        var (code, _, err) = Cli.Run(f.Args(outDir, "--resume"));
        Assert.True(code == 2, err);
        Assert.Contains("torn", err);
        var run = Summary(outDir)["runs"]![0]!;
        Assert.True((int)run["resumed"]! >= 1, run.ToJsonString());
        Assert.True((int)run["evaluated"]! < 5, run.ToJsonString());
        Assert.Equal(GroupsText(f.Unsharded), GroupsText(outDir));
        Assert.Equal(File.ReadAllBytes(Path.Combine(f.Unsharded, "summary.csv")), File.ReadAllBytes(Path.Combine(outDir, "summary.csv")));
        var (rows, _, torn) = EvaluationRowsJson.ReadFile(rowsPath);
        Assert.False(torn);
        Assert.True(rows.Count >= 9);
    }

    [Fact]
    public void ResumeWithOtherSettingsIsRefusedNamingTheSetting()
    {
        var outDir = f.Dir.File("other");
        Directory.CreateDirectory(Path.Combine(outDir, "rows"));
        File.Copy(Path.Combine(f.Unsharded, "rows", "shard-0-of-1.settings.json"), Path.Combine(outDir, "rows", "shard-0-of-1.settings.json"));
        var (code, _, err) = Cli.Run(["evaluate", f.Input, "-o", outDir, "--model", f.Model.Folder, "--metrics", "snr", "--resume"]);
        Assert.Equal(2, code);
        Assert.Contains("metrics", err);
    }

    [Fact]
    public async Task AKilledRunResumedGivesTheUninterruptedSummary()
    {
        // A child process is SIGKILLed as soon as its rows file holds three rows (mid-study, whatever item it is on),
        // then the same command with --resume finishes it.
        var outDir = f.Dir.File("killed");
        var rowsPath = Path.Combine(outDir, "rows", "shard-0-of-1.jsonl");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "latentaudio.dll"));
        foreach (var a in f.Args(outDir)) psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            var drainOut = p.StandardOutput.ReadToEndAsync();
            var drainErr = p.StandardError.ReadToEndAsync();
            var clock = Stopwatch.StartNew();
            while (!p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(5) && RowCount(rowsPath) < 3) await Task.Delay(20);
            bool killed = !p.HasExited;
            if (killed) p.Kill(entireProcessTree: true);
            p.WaitForExit();
            string stderr = await drainErr;
            await drainOut;
            Assert.True(killed, "the run finished before it could be killed: " + stderr);
        }
        Assert.False(File.Exists(Path.Combine(outDir, "summary.json")));
        Assert.False(File.Exists(Path.Combine(outDir, "rows", "shard-0-of-1.done.json")));

        var (code, _, err) = Cli.Run(f.Args(outDir, "--resume"));
        Assert.True(code == 2, err);
        Assert.Equal(GroupsText(f.Unsharded), GroupsText(outDir));
        Assert.Equal(File.ReadAllBytes(Path.Combine(f.Unsharded, "summary.csv")), File.ReadAllBytes(Path.Combine(outDir, "summary.csv")));
    }

    private static int RowCount(string path)
    {
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            int n = 0, b;
            while ((b = s.ReadByte()) >= 0) if (b == '\n') n++;
            return n;
        }
        catch (IOException) { return 0; }
    }

    [Fact]
    public void KeepAudioWritesEveryOutputOfEveryItem()
    {
        var outDir = f.Dir.File("audio");
        var input = f.Dir.File("one");
        Directory.CreateDirectory(Path.Combine(input, "speech"));
        File.Copy(Path.Combine(f.Input, "speech", "a.wav"), Path.Combine(input, "speech", "a.wav"));
        var (code, _, err) = Cli.Run(["evaluate", input, "-o", outDir, "--model", f.Model.Folder, "--metrics", "snr", "--keep-audio"]);
        Assert.True(code == 0, err);
        var models = Directory.GetDirectories(Path.Combine(outDir, "audio"));
        var item = Path.Combine(Assert.Single(models), "speech_a.wav");
        var length = AudioFile.Read(Path.Combine(input, "speech", "a.wav")).Length;
        foreach (var name in new[] { "input", "vae_vocoder", "oracle_vocoder" })
            Assert.Equal(length, AudioFile.Read(Path.Combine(item, name + ".wav")).Length);
        Assert.Empty(Directory.GetFiles(item, "*.tmp"));
    }
}
