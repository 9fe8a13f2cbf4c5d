using System.Text.Json.Nodes;
using LatentAudio.Cli;
using LatentAudio.Reports;
using LatentAudio.Study;

namespace LatentAudio.Tests.Study;

/// <summary>
/// <c>merge</c> over a 3-shard study written from synthetic rows (no model needed): the exit code says whether any
/// item failed once the summary is written, and every refusal names what is wrong (the missing shards, the differing
/// setting, the missing or short rows file).
/// </summary>
public class MergeCommandTests
{
    private const int Shards = 3;

    /// <summary>Writes the rows, settings and done marker of every shard of <paramref name="rows"/> under OUT/rows.</summary>
    private static string Study(TestPaths.TempDir dir, IReadOnlyList<EvaluationRow> rows)
    {
        var outDir = dir.File("study");
        var layout = new StudyLayout(outDir);
        Directory.CreateDirectory(layout.Rows);
        IReadOnlyList<KeyValuePair<string, string>> settings = [new("models", "org/model-a,org/model-b"), new("decoder", "vocoder"), new("metrics", "snr,lsd")];
        var now = DateTimeOffset.UnixEpoch;
        for (int i = 0; i < Shards; i++)
        {
            var mine = rows.Where(r => ShardHash.Shard(r.Id, Shards) == i).ToList();
            File.WriteAllText(layout.RowsFile(i, Shards), string.Concat(mine.Select(r => EvaluationRowsJson.Line(r) + "\n")));
            File.WriteAllText(layout.SettingsFile(i, Shards), StudyLayout.SettingsJson(settings));
            int items = mine.Select(r => r.Id).Distinct().Count(), failed = mine.Where(r => r.IsFailure).Select(r => r.Id).Distinct().Count();
            var run = new EvaluationRun(i, Shards, "host", now, now.AddSeconds(1), items, items, 0, failed, "test");
            File.WriteAllText(layout.DoneFile(i, Shards), StudyLayout.DoneJson(settings, run));
        }
        return outDir;
    }

    private static List<EvaluationRow> Rows(bool withFailure) =>
        SummaryHtmlBrowserTests.SyntheticRows().Where(r => withFailure || !r.IsFailure).ToList();

    [Fact]
    public void MergeExitsTwoAfterWritingTheSummaryWhenAnItemFailedAndZeroOtherwise()
    {
        using var dir = new TestPaths.TempDir();
        var outDir = Study(dir, Rows(withFailure: true));
        var (code, stdout, err) = Cli.Run("merge", outDir);
        Assert.True(code == 2, err);
        string summary = Path.Combine(outDir, "summary.json");
        Assert.Equal($"summary: {summary}", stdout.Trim());
        var groups = JsonNode.Parse(File.ReadAllText(summary))!["groups"]!;
        Assert.Equal(1, (int)groups["speech"]!["failures"]!);
        Assert.Equal(0, (int)groups["music"]!["failures"]!);
        foreach (var name in new[] { "summary.csv", "summary.md", "summary.html" }) Assert.True(File.Exists(Path.Combine(outDir, name)), name);
        Assert.Contains("1 item x model failure(s)", err);

        using var clean = new TestPaths.TempDir();
        var ok = Cli.Run("merge", Study(clean, Rows(withFailure: false)));
        Assert.True(ok.Code == 0, ok.Err);
        Assert.StartsWith("summary: ", ok.Out);
    }

    [Fact]
    public void MissingShardsAreNamedByTheirIndices()
    {
        using var dir = new TestPaths.TempDir();
        var outDir = Study(dir, Rows(withFailure: true));
        var layout = new StudyLayout(outDir);
        File.Delete(layout.DoneFile(0, Shards));
        File.Delete(layout.DoneFile(2, Shards));
        var (code, stdout, err) = Cli.Run("merge", outDir);
        Assert.Equal(2, code);
        Assert.Contains("2 of 3 shard(s) missing or unfinished: 0, 2 ", err);
        Assert.DoesNotContain("summary:", stdout);
        Assert.False(File.Exists(Path.Combine(outDir, "summary.json")));
    }

    [Fact]
    public void ADifferingSettingIsNamedWithTheShard()
    {
        using var dir = new TestPaths.TempDir();
        var outDir = Study(dir, Rows(withFailure: true));
        var done = new StudyLayout(outDir).DoneFile(2, Shards);
        var node = JsonNode.Parse(File.ReadAllText(done))!;
        node["settings"]!["metrics"] = "snr";
        File.WriteAllText(done, node.ToJsonString());
        var (code, _, err) = Cli.Run("merge", outDir);
        Assert.Equal(2, code);
        Assert.Contains("shard 2 used other settings than shard 0: metrics: 'snr,lsd' vs 'snr'", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void AMissingOrEmptyRowsFileIsNamed()
    {
        using var dir = new TestPaths.TempDir();
        var outDir = Study(dir, Rows(withFailure: true));
        var rows = new StudyLayout(outDir).RowsFile(1, Shards);
        File.Delete(rows);
        var missing = Cli.Run("merge", outDir);
        Assert.Equal(2, missing.Code);
        Assert.Contains(rows + ": is missing, though shard 1 is marked done", missing.Err);

        File.WriteAllText(rows, "");
        var empty = Cli.Run("merge", outDir);
        Assert.Equal(2, empty.Code);
        Assert.Contains(rows + ": is empty, but shard 1 ran ", empty.Err);
        Assert.False(File.Exists(Path.Combine(outDir, "summary.json")));
    }
}
