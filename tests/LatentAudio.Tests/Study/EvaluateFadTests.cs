using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Metrics.Distribution;
using LatentAudio.Reports;
using LatentAudio.Study;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.Study;

/// <summary>
/// <c>evaluate --fad panns</c> with the tiny CNN14 fixture checkpoint (one vector per clip) and the tiny model over speech/a, speech/b, music/c, d.wav and a broken file: one unsharded run shared by
/// the tests, against which a 3-shard run and a resumed torn run must give the same Fréchet distances byte for byte.
/// </summary>
public sealed class EvaluateFadFixture : IDisposable
{
    public TinyModel Model { get; } = new();
    public TestPaths.TempDir Dir { get; } = new();
    public string Input => Dir.File("in");
    public string Unsharded => Dir.File("unsharded");
    public static string Weights => TestPaths.Fixtures("panns", "tiny_cnn14_16k.pth");
    public (int Code, string Out, string Err) UnshardedRun { get; }

    public EvaluateFadFixture()
    {
        Clip("speech_libri1.wav", 0.0, "speech/a.wav");
        Clip("speech_libri1.wav", 1.0, "speech/b.wav");
        Clip("music_brahms.wav", 0.0, "music/c.wav");
        Clip("env_robin.wav", 0.0, "d.wav");
        File.WriteAllText(Path.Combine(Input, "music", "broken.wav"), "not audio");
        UnshardedRun = Cli.Run(Args(Unsharded));
    }

    public string[] Args(string outDir, params string[] extra) =>
        ["evaluate", Input, "-o", outDir, "--model", Model.Folder, "--metrics", "snr", "--fad", "panns", "--fad-weights", Weights, .. extra];

    private void Clip(string sample, double offset, string relative)
    {
        var path = Path.Combine(Input, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WavWriter.Write(path, AudioFile.Read(TestPaths.Samples(sample), offset, 0.5));
    }

    public void Dispose()
    {
        Model.Dispose();
        Dir.Dispose();
    }
}

public class EvaluateFadTests(EvaluateFadFixture f) : IClassFixture<EvaluateFadFixture>
{
    private static JsonObject Summary(string outDir) => JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!.AsObject();
    private static string GroupsText(string outDir) => Summary(outDir)["groups"]!.ToJsonString();
    private static List<EvaluationRow> Rows(string outDir, int shard = 0, int shards = 1) =>
        EvaluationRowsJson.ReadFile(Path.Combine(outDir, "rows", $"shard-{shard}-of-{shards}.jsonl")).Rows;

    [Fact]
    public void RowsCarryTheVectorsAndTheSummaryHasTheFdOfEveryOutputPerCategory()
    {
        var (code, _, err) = f.UnshardedRun;
        Assert.True(code == 2, err); // the broken item
        var rows = Rows(f.Unsharded);
        var good = rows.Where(r => !r.IsFailure).ToList();
        Assert.Equal(8, good.Count);
        Assert.All(good, r =>
        {
            Assert.Equal("panns", r.Embedding!.Network);
            Assert.Equal(64, r.Embedding.WeightsSha256.Length);
            Assert.Equal(1, r.Embedding.Reference.Count); // CNN14: one vector per clip
            Assert.Equal(1, r.Embedding.Output.Count);
        });
        // The reference is the input, the same in every output row of an item.
        var a = good.Where(r => r.Id == "speech/a.wav").ToList();
        Assert.Equal(a[0].Embedding!.Reference.Vector(0).ToArray(), a[1].Embedding!.Reference.Vector(0).ToArray());

        var summary = Summary(f.Unsharded);
        Assert.Equal("panns", (string)summary["settings"]!["fad"]!);
        Assert.Equal(a[0].Embedding!.WeightsSha256, (string)summary["settings"]!["fad_weights_sha256"]!);
        var fad = summary["groups"]!["all"]!["models"]![f.Model.Folder]!["fad"]!;
        foreach (var output in new[] { "oracle_vocoder", "vae_vocoder" })
        {
            var g = fad[output]!;
            Assert.Equal(4, (int)g["n_ref"]!);
            Assert.Equal(4, (int)g["n_deg"]!);
            Assert.Equal(4, (int)g["items"]!);
            Assert.Equal("panns", (string)g["embedding"]!);
            Assert.Null(g["fad_inf"]); // 4 vectors: far below FAD-inf's minimum
            // The distance of exactly these vectors, in id order.
            var series = good.Where(r => r.Output == output).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            var reference = new EmbeddingStatistics(series[0].Embedding!.Reference.Dimension);
            var degraded = new EmbeddingStatistics(reference.Dimension);
            foreach (var r in series) { r.Embedding!.Reference.AddTo(reference); r.Embedding.Output.AddTo(degraded); }
            Assert.Equal(FrechetDistance.Between(reference, degraded), (double)g["fd"]!);
            Assert.True((double)g["fd"]! > 0);
        }
        // speech has two items: a distance; music has one good item: no covariance, fd null with n stated.
        Assert.Equal(2, (int)summary["groups"]!["speech"]!["models"]![f.Model.Folder]!["fad"]!["vae_vocoder"]!["n_deg"]!);
        var music = summary["groups"]!["music"]!["models"]![f.Model.Folder]!["fad"]!["vae_vocoder"]!;
        Assert.Equal(1, (int)music["n_deg"]!);
        Assert.Null(music["fd"]);

        var csv = File.ReadAllLines(Path.Combine(f.Unsharded, "summary.csv"));
        Assert.Contains(csv, l => l.StartsWith($"all,{f.Model.Folder},vae_vocoder,fd_panns,4,", StringComparison.Ordinal));
        Assert.Contains("| vae_vocoder | ", File.ReadAllText(Path.Combine(f.Unsharded, "summary.md")));
        Assert.Contains("<table class=\"fad\"", File.ReadAllText(Path.Combine(f.Unsharded, "summary.html")));
    }

    [Fact]
    public void ThreeShardsMergedGiveTheUnshardedDistancesByteForByte()
    {
        var outDir = f.Dir.File("sharded");
        foreach (var i in new[] { 1, 2, 0 })
        {
            var (code, _, err) = Cli.Run(f.Args(outDir, "--shard-index", i.ToString(), "--shard-count", "3"));
            Assert.True(code is 0 or 2, err);
        }
        var merged = Cli.Run("merge", outDir);
        Assert.True(merged.Code == 2, merged.Err);
        Assert.NotNull(Summary(outDir)["groups"]!["all"]!["models"]![f.Model.Folder]!["fad"]);
        Assert.Equal(GroupsText(f.Unsharded), GroupsText(outDir));
        foreach (var name in new[] { "summary.csv", "summary.md" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(f.Unsharded, name)), File.ReadAllBytes(Path.Combine(outDir, name)));

        // A shard made with another embedding network (or other weights) is refused, naming the setting.
        var done = Path.Combine(outDir, "rows", "shard-2-of-3.done.json");
        var node = JsonNode.Parse(File.ReadAllText(done))!;
        node["settings"]!["fad_weights_sha256"] = new string('0', 64);
        File.WriteAllText(done, node.ToJsonString());
        var refused = Cli.Run("merge", outDir);
        Assert.Equal(2, refused.Code);
        Assert.Contains("shard 2 used other settings than shard 0: fad_weights_sha256", refused.Err);
    }

    [Fact]
    public void ResumeAfterATornLineGivesTheSameDistances()
    {
        var outDir = f.Dir.File("torn");
        Directory.CreateDirectory(Path.Combine(outDir, "rows"));
        foreach (var name in new[] { "shard-0-of-1.jsonl", "shard-0-of-1.settings.json" })
            File.Copy(Path.Combine(f.Unsharded, "rows", name), Path.Combine(outDir, "rows", name));
        var rowsPath = Path.Combine(outDir, "rows", "shard-0-of-1.jsonl");
        var lines = File.ReadAllLines(rowsPath);
        // Torn inside the base64 of a row's vectors.
        File.WriteAllText(rowsPath, string.Join("\n", lines.Take(3)) + "\n" + lines[3][..(lines[3].IndexOf("f32le", StringComparison.Ordinal) + 20)]);

        var (code, _, err) = Cli.Run(f.Args(outDir, "--resume"));
        Assert.True(code == 2, err);
        Assert.Contains("torn", err);
        Assert.True((int)Summary(outDir)["runs"]![0]!["resumed"]! >= 1);
        Assert.Equal(GroupsText(f.Unsharded), GroupsText(outDir));
    }

    [Fact]
    public void ResumingWithoutFadOrWithAnotherNetworkIsRefused()
    {
        var outDir = f.Dir.File("other");
        Directory.CreateDirectory(Path.Combine(outDir, "rows"));
        File.Copy(Path.Combine(f.Unsharded, "rows", "shard-0-of-1.settings.json"), Path.Combine(outDir, "rows", "shard-0-of-1.settings.json"));
        var (code, _, err) = Cli.Run(["evaluate", f.Input, "-o", outDir, "--model", f.Model.Folder, "--metrics", "snr", "--resume"]);
        Assert.Equal(2, code);
        Assert.Contains("fad: 'panns' vs '(absent)'", err);
    }
}

/// <summary>The summary's Fréchet distance from synthetic rows: no network needed.</summary>
public class OutputFadTests
{
    private static EvaluationRow Row(string id, string category, float[][] reference, float[][] output, string network = "vggish") => new()
    {
        Id = id, Category = category, Model = new ModelRef("m", "", new string('a', 64)), Output = "vae_vocoder", Settings = "s",
        Embedding = new ItemEmbedding(network, new string('b', 64), EmbeddingVectors.Of(reference, 3), EmbeddingVectors.Of(output, 3)),
    };

    private static float[][] Vectors(int seed, int n)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => new[] { (float)random.NextDouble(), (float)random.NextDouble() * 2, (float)random.NextDouble() - 3 }).ToArray();
    }

    [Fact]
    public void AnOutputEqualToItsReferenceIsAtZero()
    {
        var rows = Enumerable.Range(0, 12).Select(i => { var v = Vectors(i, 3); return Row($"i{i:00}", i % 2 == 0 ? "x" : "y", v, v); }).ToList();
        var groups = EvaluationSummary.Build(rows);
        foreach (var c in new[] { "all", "x", "y" })
        {
            var fad = groups[c].Models["m"].Fad!["vae_vocoder"];
            Assert.Equal(fad.ReferenceCount, fad.DegradedCount);
            Assert.Equal(c == "all" ? 36 : 18, fad.DegradedCount);
            Assert.InRange(fad.Result!.Distance, -1e-9, 1e-9);
        }
    }

    [Fact]
    public void TheDistanceDoesNotDependOnRowOrderAndMatchesTheWholeSets()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Row($"i{i}", "x", Vectors(i, 2), Vectors(100 + i, 2).Select(v => v.Select(x => x * 1.5f).ToArray()).ToArray())).ToList();
        var forward = EvaluationSummary.Build(rows)["all"].Models["m"].Fad!["vae_vocoder"];
        var shuffled = EvaluationSummary.Build(rows.AsEnumerable().Reverse().ToList())["all"].Models["m"].Fad!["vae_vocoder"];
        Assert.Equal(forward.Result!.Distance, shuffled.Result!.Distance); // exactly: accumulated in id order either way
        var byId = rows.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var reference = EmbeddingStatistics.Of(byId.SelectMany(r => r.Embedding!.Reference.Vectors()).ToList(), 3);
        var degraded = EmbeddingStatistics.Of(byId.SelectMany(r => r.Embedding!.Output.Vectors()).ToList(), 3);
        Assert.Equal(FrechetDistance.Between(reference, degraded), forward.Result.Distance, 12);
        Assert.True(forward.Result.Distance > 0.1);
    }

    [Fact]
    public void VectorsRoundTripThroughTheRowTextExactly()
    {
        var row = Row("a", "x", [[1.5f, -0f, float.Epsilon]], [[3.25f, 1e-30f, -7f], [0.1f, 0.2f, 0.3f]]);
        var back = EvaluationRowsJson.Parse(EvaluationRowsJson.Line(row));
        Assert.Equal(row.Embedding!.Output.Vector(1).ToArray(), back.Embedding!.Output.Vector(1).ToArray());
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(back.Embedding.Reference.Vector(0)[1]));
        Assert.Equal(2, back.Embedding.Output.Count);
        Assert.Equal("vggish", back.Embedding.Network);
    }

    [Theory]
    [InlineData("\"dimension\":3", "\"dimension\":0")]
    [InlineData("\"count\":2", "\"count\":5")]
    [InlineData("\"count\":2", "\"count\":-2")]
    public void ARowWithBrokenVectorsIsNamedByItsLine(string from, string to)
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File("rows.jsonl");
        var good = EvaluationRowsJson.Line(Row("a", "x", Vectors(1, 1), Vectors(2, 2)));
        Assert.Contains(from, good);
        File.WriteAllText(path, good + "\n" + good.Replace(from, to) + "\n");
        var e = Assert.Throws<InvalidInputException>(() => EvaluationRowsJson.ReadFile(path));
        Assert.Contains("rows.jsonl:2", e.Message);
    }

    [Fact]
    public void RowsOfDifferentNetworksAreRefused()
    {
        var rows = new List<EvaluationRow> { Row("a", "x", Vectors(1, 2), Vectors(2, 2)), Row("b", "x", Vectors(3, 2), Vectors(4, 2), network: "panns") };
        var e = Assert.ThrowsAny<LatentAudioException>(() => EvaluationSummary.Build(rows));
        Assert.Contains("different networks", e.Message);
    }
}

/// <summary>FAD∞ in the summary, and how <c>--fad</c>'s optional value is read.</summary>
public class OutputFadInfinityAndArgsTests
{
    [Fact]
    public void AnOutputWithMoreThan500VectorsHasFadInfinityOfItsIdOrderedVectors()
    {
        var random = new Random(7);
        float[] V(double shift) => [(float)(random.NextDouble() + shift), (float)random.NextDouble(), (float)(random.NextDouble() * 3)];
        var rows = Enumerable.Range(0, 260).Select(i => new EvaluationRow
        {
            Id = $"i{i:000}", Category = "x", Model = new ModelRef("m", "", "s"), Output = "vae_vocoder", Settings = "s",
            Embedding = new ItemEmbedding("vggish", "w", EmbeddingVectors.Of([V(0), V(0)], 3), EmbeddingVectors.Of([V(0.2), V(0.2)], 3)),
        }).ToList();
        var fad = EvaluationSummary.Build(rows)["all"].Models["m"].Fad!["vae_vocoder"];
        Assert.Equal(520, fad.DegradedCount);
        var inf = fad.Result!.Infinity!;
        Assert.Equal(FadInfinity.DefaultSteps, inf.Points.Count);
        var reference = EmbeddingStatistics.Of(rows.SelectMany(r => r.Embedding!.Reference.Vectors()).ToList(), 3);
        var expected = FadInfinity.Estimate(reference, rows.SelectMany(r => r.Embedding!.Output.Vectors()).ToList(), OutputFad.InfinitySeed)!;
        Assert.Equal(expected.Score, inf.Score);

        var few = EvaluationSummary.Build(rows.Take(250).ToList())["all"].Models["m"].Fad!["vae_vocoder"];
        Assert.Equal(500, few.DegradedCount);
        Assert.Null(few.Result!.Infinity);
    }

    [Theory]
    [InlineData(new[] { "--fad", "data/" }, "vggish", "data/")]
    [InlineData(new[] { "--fad", "panns", "data/" }, "panns", "data/")]
    [InlineData(new[] { "data/", "--fad=panns" }, "panns", "data/")]
    [InlineData(new[] { "data/", "--fad" }, "vggish", "data/")]
    public void FadTakesANetworkNameOnlyWhenOneFollows(string[] tokens, string expected, string positional)
    {
        var args = new LatentAudio.Cli.CommandArgs(tokens);
        Assert.Equal(expected, args.OptionalValue("--fad", ["vggish", "panns"], "vggish"));
        Assert.Equal([positional], args.Positionals());
    }
}
