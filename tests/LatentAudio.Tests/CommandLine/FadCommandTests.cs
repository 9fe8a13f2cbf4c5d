using System.Text.Json;
using LatentAudio.Models.Embeddings.Vggish;
using LatentAudio.Tests.Hub;
using LatentAudio.Tests.Models.Embeddings;

namespace LatentAudio.Tests.CommandLine;

/// <summary>
/// <c>latentaudio fad</c> end to end on a VGGish checkpoint written as torch would (the pseudo-random weights of
/// VggishParityTests) and the four 1.96 s fixture clips (2 examples each).
/// </summary>
public sealed class FadCommandTests : IClassFixture<FadCommandTests.Checkpoint>, IDisposable
{
    private readonly TestPaths.TempDir _dir = new();
    private readonly string _weights;

    /// <summary>The 290 MB checkpoint, written once for the class.</summary>
    public sealed class Checkpoint : IDisposable
    {
        private readonly TestPaths.TempDir _dir = new();
        public string Path { get; }
        public Checkpoint() { Path = _dir.File("vggish.pth"); WriteCheckpoint(Path); }
        public void Dispose() => _dir.Dispose();
    }

    public FadCommandTests(Checkpoint checkpoint) => _weights = checkpoint.Path;

    public void Dispose() => _dir.Dispose();

    /// <summary>A torch zip state dict of VggishGraph.ExpectedTensors holding the parity test's formula weights.</summary>
    internal static void WriteCheckpoint(string path)
    {
        string[] names = ["features.0", "features.3", "features.6", "features.8", "features.11", "features.13",
            "embeddings.0", "embeddings.2", "embeddings.4"];
        var shapes = VggishGraph.ExpectedTensors.ToDictionary(t => t.Name, t => t.Shape);
        var p = new PickleWriter().Proto(2).EmptyOrderedDict().Put(0).Op('(');
        var storages = new Dictionary<string, byte[]>();
        for (int t = 0; t < names.Length; t++)
        {
            var shape = shapes[names[t] + ".weight"];
            int count = shape.Aggregate(1, (a, b) => a * b);
            double bound = Math.Sqrt(6.0 / (count / shape[0]));
            var strides = shape.Select((_, i) => (long)shape.Skip(i + 1).Aggregate(1, (a, b) => a * b)).ToArray();
            p.Str(names[t] + ".weight").Tensor("FloatStorage", $"{2 * t}", count, 0, shape.Select(d => (long)d).ToArray(), strides);
            storages[$"{2 * t}"] = TorchZipBuilder.Floats(VggishParityTests.PseudoRandom(count, 2 * t, bound));
            p.Str(names[t] + ".bias").Tensor("FloatStorage", $"{2 * t + 1}", shape[0], 0, [shape[0]], [1]);
            storages[$"{2 * t + 1}"] = TorchZipBuilder.Floats(VggishParityTests.PseudoRandom(shape[0], 2 * t + 1, 0.01));
        }
        p.Op('u').Op('.');
        TorchZipBuilder.Write(path, p.Bytes, storages);
    }

    private string Folder(string name, params int[] clips)
    {
        var folder = _dir.File(name);
        Directory.CreateDirectory(folder);
        foreach (int c in clips) File.Copy(TestPaths.Fixtures("fad", $"vggish_clip{c}.wav"), Path.Combine(folder, $"clip{c}.wav"));
        return folder;
    }

    [Fact]
    public void PrintsFdWithNPerSideAndABadFileIsOneLine()
    {
        var reference = Folder("ref", 0, 1);
        var degraded = Folder("deg", 2, 3);
        File.WriteAllBytes(Path.Combine(degraded, "broken.wav"), [1, 2, 3, 4]);
        var (code, output, error) = Cli.Run("fad", reference, degraded, "--weights", _weights, "--json");
        Assert.Equal(2, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("broken.wav"));
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(4, json.GetProperty("n_reference").GetInt64());
        Assert.Equal(4, json.GetProperty("n_degraded").GetInt64());
        Assert.Equal("vggish", json.GetProperty("embedding").GetString());
        Assert.Equal(64, json.GetProperty("weights_sha256").GetString()!.Length);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("fad_inf").ValueKind);
        // The same sets as VggishParityTests.FrechetDistanceOfTheEmbeddingsMatchesFadtk: fadtk's value there.
        double expected = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixtures("fad", "vggish.json"))).RootElement.GetProperty("fd_raw").GetDouble();
        Assert.Equal(expected, json.GetProperty("fd").GetDouble(), expected * 1e-4);
    }

    [Fact]
    public void IdenticalSetsAreAtZeroInTheTextOutput()
    {
        var (code, output, _) = Cli.Run("fad", Folder("a", 0, 1, 2), Folder("b", 0, 1, 2), "--weights", _weights);
        Assert.Equal(0, code);
        Assert.Contains("n = 6 reference, 6 degraded", output);
        Assert.Matches(@"fd\s+-?0(\.0+)?\s", output);
        Assert.Contains("fad_inf   n/a", output);
    }

    [Fact]
    public void AnUnknownEmbeddingIsNamed()
    {
        var (code, _, error) = Cli.Run("fad", Folder("c", 0), Folder("d", 1), "--embedding", "nope", "--weights", _weights);
        Assert.Equal(2, code);
        Assert.Contains("nope", error);
    }
}
