using LatentAudio.Cli;
using LatentAudio.Metrics;
using LatentAudio.Reports;
using LatentAudio.Study;

namespace LatentAudio.Tests.Study;

public class EvaluationPartsTests
{
    [Fact]
    public void ShardHashIsFnv1a64OfTheUtf8Id()
    {
        // Published FNV-1a 64 test vectors.
        Assert.Equal(0xcbf29ce484222325UL, ShardHash.Fnv1a64(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, ShardHash.Fnv1a64("a"));
        Assert.Equal(0x85944171f73967e8UL, ShardHash.Fnv1a64("foobar"));
        Assert.Equal((int)(0x85944171f73967e8UL % 7), ShardHash.Shard("foobar", 7));
    }

    [Fact]
    public void ItemsComeFromFoldersManifestsAndWavScp()
    {
        using var dir = new TestPaths.TempDir();
        Directory.CreateDirectory(dir.File("tree/speech/deep"));
        foreach (var p in new[] { "tree/speech/deep/x.wav", "tree/top.flac", "tree/.hidden.wav", "tree/notes.txt" }) File.WriteAllText(dir.File(p), "");
        var folder = EvaluationItems.FromFolder(dir.File("tree"));
        Assert.Equal(["speech/deep/x.wav", "top.flac"], folder.Select(i => i.Id));
        Assert.Equal(["speech", "uncategorised"], folder.Select(i => i.Category));

        File.WriteAllText(dir.File("m.csv"), "path,id,category,offset,duration\n\"a,b.wav\",first,music,1.5,2\nc.wav,,,,\n");
        var csv = EvaluationItems.FromInput(dir.File("m.csv"));
        Assert.Equal(["first", "c.wav"], csv.Select(i => i.Id));
        Assert.Equal(Path.Combine(dir.Path, "a,b.wav"), csv[0].Path);
        Assert.Equal((1.5, (double?)2.0), (csv[0].OffsetSeconds, csv[0].Seconds));
        Assert.Equal("uncategorised", csv[1].Category);

        File.WriteAllText(dir.File("m.tsv"), "id\tpath\nq\tq.wav\n");
        Assert.Equal("q", EvaluationItems.FromInput(dir.File("m.tsv")).Single().Id);
        File.WriteAllText(dir.File("m.jsonl"), "{\"path\": \"j.wav\", \"category\": \"env\", \"offset\": 0.25}\n\n");
        var jsonl = EvaluationItems.FromInput(dir.File("m.jsonl")).Single();
        Assert.Equal(("j.wav", "env", 0.25), (jsonl.Id, jsonl.Category, jsonl.OffsetSeconds));

        Directory.CreateDirectory(dir.File("kaldi"));
        File.WriteAllText(dir.File("kaldi/wav.scp"), "utt1 /abs/u1.wav\nutt2 rel/u2.wav\n");
        File.WriteAllText(dir.File("kaldi/utt2category"), "utt1 speech\n");
        var scp = EvaluationItems.FromInput(dir.File("kaldi/wav.scp"));
        Assert.Equal(["speech", "uncategorised"], scp.Select(i => i.Category));
        Assert.Equal("/abs/u1.wav", scp[0].Path);

        File.WriteAllText(dir.File("bad.csv"), "id,file\nx,y\n");
        Assert.Contains("path", Assert.Throws<InvalidInputException>(() => EvaluationItems.FromInput(dir.File("bad.csv"))).Message);
        Assert.Throws<InvalidInputException>(() => EvaluationItems.Expand([dir.File("m.tsv"), dir.File("m.tsv")]));
    }

    [Fact]
    public void ARowsFileWithATornLastLineGivesItsCompleteRows()
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File("rows.jsonl");
        var row = Row("x", "speech", "vae_vocoder", 1.5);
        using (var w = new EvaluationRowsWriter(path, 0)) { w.Append(row); w.Append(row with { Id = "y" }); }
        var whole = File.ReadAllText(path);
        File.AppendAllText(path, EvaluationRowsJson.Line(row with { Id = "z" })[..20]);
        var (rows, bytes, torn) = EvaluationRowsJson.ReadFile(path);
        Assert.True(torn);
        Assert.Equal(["x", "y"], rows.Select(r => r.Id));
        Assert.Equal(whole.Length, bytes);
        Assert.Equal(1.5, rows[0].Metrics["snr"].Value);
        Assert.Equal("no signal", rows[0].Metrics["pesq_wb"].Reason);
        // Appending after the complete part cuts the torn tail off.
        using (var w = new EvaluationRowsWriter(path, bytes)) w.Append(row with { Id = "z" });
        var again = EvaluationRowsJson.ReadFile(path);
        Assert.False(again.Torn);
        Assert.Equal(["x", "y", "z"], again.Rows.Select(r => r.Id));
    }

    [Fact]
    public void SummaryGroupsDoNotDependOnRowOrder()
    {
        var rows = new List<EvaluationRow>();
        var rng = new Random(3);
        for (int i = 0; i < 40; i++)
        {
            string cat = i % 3 == 0 ? "music" : "speech";
            rows.Add(Row($"item{i}", cat, "vae_vocoder", rng.NextDouble() * 10));
            rows.Add(Row($"item{i}", cat, "oracle_vocoder", rng.NextDouble() * 10));
        }
        var a = SummaryJson.GroupsText(EvaluationSummary.Build(rows));
        var shuffled = rows.OrderBy(_ => rng.Next()).ToList();
        Assert.Equal(a, SummaryJson.GroupsText(EvaluationSummary.Build(shuffled)));
        var all = EvaluationSummary.Build(rows)["all"].Models["m"];
        var s = all.Outputs["vae_vocoder"]["snr"];
        Assert.Equal(40, s.N);
        Assert.True(s.CiLow < s.Mean && s.Mean < s.CiHigh);
        var values = rows.Where(r => r.Output == "vae_vocoder").Select(r => r.Metrics["snr"].Value!.Value).ToList();
        Assert.Equal(values.Average(), s.Mean!.Value, 12);
        double sd = Math.Sqrt(values.Sum(v => (v - values.Average()) * (v - values.Average())) / 39);
        Assert.Equal(sd, s.Sd!.Value, 12);
        Assert.Equal(1, all.Outputs["vae_vocoder"]["pesq_wb"].NoValue + all.Outputs["vae_vocoder"]["pesq_wb"].N - 39);
    }

    [Fact]
    public void IntervalsAreBootstrappedWithAFixedSeedAndNormalAboveTheLimit()
    {
        var rng = new Random(5);
        var small = Enumerable.Range(0, 50).Select(_ => rng.NextDouble()).ToList();
        var a = EvaluationSummary.Stats(small, 0, 0, "g");
        Assert.Equal("bootstrap", a.CiMethod);
        Assert.Equal(a, EvaluationSummary.Stats(small, 0, 0, "g"));
        Assert.NotEqual(a.CiLow, EvaluationSummary.Stats(small, 0, 0, "another group").CiLow);
        // The bootstrap interval of a mean is close to the normal one at n = 50 (within a fifth of its width).
        double half = 1.96 * a.Sd!.Value / Math.Sqrt(50);
        Assert.InRange(a.CiHigh!.Value - a.CiLow!.Value, 2 * half * 0.8, 2 * half * 1.2);

        var large = Enumerable.Range(0, EvaluationSummary.BootstrapMaxN + 1).Select(_ => rng.NextDouble()).ToList();
        var b = EvaluationSummary.Stats(large, 0, 0, "g");
        Assert.Equal("normal", b.CiMethod);
        Assert.Equal(1.959963984540054 * b.Sd!.Value / Math.Sqrt(large.Count), b.CiHigh!.Value - b.Mean!.Value, 12);
    }

    [Fact]
    public void ShardSelectionFollowsSlurmAndKubernetes()
    {
        Assert.Equal((0, 1), ShardSelection.Resolve(null, null, _ => null));
        Assert.Equal((2, 5), ShardSelection.Resolve(null, null, k => k switch { "SLURM_ARRAY_TASK_ID" => "2", "SLURM_ARRAY_TASK_COUNT" => "5", _ => null }));
        Assert.Equal((3, 4), ShardSelection.Resolve(null, 4, k => k == "JOB_COMPLETION_INDEX" ? "3" : null));
        Assert.Throws<UsageException>(() => ShardSelection.Resolve(null, null, k => k == "JOB_COMPLETION_INDEX" ? "3" : null));
        Assert.Throws<UsageException>(() => ShardSelection.Resolve(3, 3, _ => null));
        Assert.Equal((1, 3), ShardSelection.Resolve(1, 3, k => k == "SLURM_ARRAY_TASK_ID" ? "0" : null));
    }

    private static EvaluationRow Row(string id, string category, string output, double snr) => new()
    {
        Id = id, Category = category, Model = new ModelRef("m", "", new string('0', 64)), Output = output, Settings = "s",
        Metrics = new Dictionary<string, MetricOutcome>
        {
            ["snr"] = MetricOutcome.Of(snr),
            ["pesq_wb"] = id == "item0" ? MetricOutcome.Unavailable("no signal") : id.StartsWith("item") ? MetricOutcome.Of(1 + snr / 10) : MetricOutcome.Unavailable("no signal"),
        },
    };
}
