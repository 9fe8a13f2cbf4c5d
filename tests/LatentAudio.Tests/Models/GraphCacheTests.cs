using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vae;
using LatentAudio.Models.Vocoder;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Models;

public sealed class GraphCacheTests
{
    private static Tensor Mel() => NpyFile.Read(TestPaths.Fixtures("models", "vocoder", "normalize_false", "T100", "input.npy"));

    private static SessionSettings Cached(string folder) => new(IntraOpThreads: 1) { GraphCacheFolder = folder };

    private static float[] Vocode(string modelFolder, SessionSettings settings)
    {
        using var vocoder = HifiGanVocoder.Load(Path.Combine(modelFolder, "vocoder"), settings);
        return vocoder.Vocode(Mel()).Data;
    }

    [Fact]
    public void AHitGivesTheUncachedOutputsAndRewritesNothing()
    {
        using var model = new TinyModelFolder(vae: false);
        using var cache = new TestPaths.TempDir();
        var uncached = Vocode(model.Path, new SessionSettings(IntraOpThreads: 1));
        var miss = Vocode(model.Path, Cached(cache.Path));
        var entry = Assert.Single(new GraphCache(cache.Path).Entries());
        Assert.StartsWith(HifiGanVocoder.GraphName + "-", Path.GetFileName(entry));
        var old = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(entry, old);

        var hit = Vocode(model.Path, Cached(cache.Path));

        Assert.Equal(old, File.GetLastWriteTimeUtc(Assert.Single(new GraphCache(cache.Path).Entries())));
        Assert.Equal(uncached, miss);
        Assert.Equal(uncached, hit);
        Assert.Empty(Directory.GetFiles(cache.Path, ".tmp-*"));
    }

    [Fact]
    public void TheVaeGraphsAreCachedAndGiveTheSameLatent()
    {
        using var model = new TinyModelFolder(vocoder: false);
        using var cache = new TestPaths.TempDir();
        var mel = NpyFile.Read(TestPaths.Fixtures("models", "vae", "T64", "input.npy"));
        Tensor Mean(SessionSettings s)
        {
            using var vae = AutoencoderKl.Load(Path.Combine(model.Path, "vae"), s);
            return vae.Decode(vae.Encode(mel).Mean);
        }
        var uncached = Mean(new SessionSettings(IntraOpThreads: 1));
        Mean(Cached(cache.Path));
        var hit = Mean(Cached(cache.Path));
        var names = new GraphCache(cache.Path).Entries().Select(Path.GetFileName).ToList();
        Assert.Equal(2, names.Count);
        Assert.Contains(names, n => n!.StartsWith(AutoencoderKl.DecoderGraphName + "-", StringComparison.Ordinal));
        Assert.Contains(names, n => n!.StartsWith(AutoencoderKl.EncoderGraphName + "-", StringComparison.Ordinal));
        Assert.Equal(uncached.Data, hit.Data);
    }

    [Fact]
    public void ChangedWeightsMissAndAddAnEntry()
    {
        using var model = new TinyModelFolder(vae: false);
        using var cache = new TestPaths.TempDir();
        var before = Vocode(model.Path, Cached(cache.Path));
        var weights = Path.Combine(model.Path, "vocoder", HifiGanVocoder.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        bytes[^2] ^= 0x40;   // a high mantissa/exponent bit of the last float: a different model
        File.WriteAllBytes(weights, bytes);

        var after = Vocode(model.Path, Cached(cache.Path));

        Assert.Equal(2, new GraphCache(cache.Path).Entries().Count);
        Assert.NotEqual(before, after);
        Assert.Equal(after, Vocode(model.Path, new SessionSettings(IntraOpThreads: 1)));
    }

    [Fact]
    public void RememberedWeightsReplacedWithTheSameSizeAndMtimeMiss()
    {
        using var model = new TinyModelFolder(vae: false);
        using var cache = new TestPaths.TempDir();
        // Older than FileDigests.DefaultSettle, so the first load remembers the weights' digest.
        Thread.Sleep(FileDigests.DefaultSettle + TimeSpan.FromMilliseconds(200));
        var before = Vocode(model.Path, Cached(cache.Path));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(cache.Path, GraphCache.DigestsFolder)));
        var weights = Path.Combine(model.Path, "vocoder", HifiGanVocoder.WeightsFile);
        var mtime = File.GetLastWriteTimeUtc(weights);
        var bytes = File.ReadAllBytes(weights);
        bytes[^2] ^= 0x40;
        File.WriteAllBytes(weights, bytes);                 // in place: same inode, same size
        File.SetLastWriteTimeUtc(weights, mtime);           // and the old mtime

        var after = Vocode(model.Path, Cached(cache.Path));

        Assert.Equal(2, new GraphCache(cache.Path).Entries().Count);
        Assert.NotEqual(before, after);
        Assert.Equal(after, Vocode(model.Path, new SessionSettings(IntraOpThreads: 1)));
    }

    [Fact]
    public void AModelOpenedFromAFilledCacheMatchesTheUncachedOne()
    {
        using var model = new TinyModelFolder();
        using var cache = new TestPaths.TempDir();
        var location = new LatentAudio.Models.ModelLocation("tiny", null, model.Path);
        var mel = NpyFile.Read(TestPaths.Fixtures("models", "vae", "T64", "input.npy"));
        (float[] Decoded, float[] Audio, string Identity) Run(SessionSettings s)
        {
            using var m = LatentAudio.Models.AudioLdm.AudioLdmModel.Open(model.Path, location, LatentAudio.Models.ModelParts.All, s);
            return (m.Vae.Decode(m.Vae.Encode(mel).Mean).Data, m.RequireVocoder().Vocode(Mel()).Data, m.Identity.Sha256Hex);
        }
        var uncached = Run(new SessionSettings(IntraOpThreads: 1));
        var miss = Run(Cached(cache.Path));
        Assert.Equal(3, new GraphCache(cache.Path).Entries().Count);
        var hit = Run(Cached(cache.Path));   // every graph cached: the vocoder's session is created on a second thread

        foreach (var r in new[] { miss, hit })
        {
            Assert.Equal(uncached.Decoded, r.Decoded);
            Assert.Equal(uncached.Audio, r.Audio);
            Assert.Equal(uncached.Identity, r.Identity);
        }
        Assert.Equal(3, new GraphCache(cache.Path).Entries().Count);
    }

    [Fact]
    public void TheKeyChangesWithWhatTheOptimisedGraphDependsOn()
    {
        using var model = new TinyModelFolder(vae: false);
        var files = new GraphFiles(Path.Combine(model.Path, "vocoder", "config.json"), Path.Combine(model.Path, "vocoder", HifiGanVocoder.WeightsFile));
        var settings = new SessionSettings();
        var key = GraphCache.Key("hifigan", files, settings);
        Assert.Equal(key, GraphCache.Key("hifigan", files, settings with { IntraOpThreads = 7, MemoryPattern = true }));
        Assert.NotEqual(key, GraphCache.Key("hifigan", files, settings, GraphBuilder.Version + 1));
        Assert.NotEqual(key, GraphCache.Key("vae_encoder", files, settings));
        Assert.NotEqual(key, GraphCache.Key("hifigan", files, settings with { OptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel.ORT_ENABLE_BASIC }));
        Assert.NotEqual(key, GraphCache.Key("hifigan", files, settings with { Provider = ExecutionProviderKind.Cuda }));
    }

    [Theory]
    [InlineData("graph")]
    [InlineData("data")]
    [InlineData("data-missing")]
    public void ACorruptEntryIsRebuiltNotTrusted(string damage)
    {
        using var model = new TinyModelFolder(vae: false);
        using var cache = new TestPaths.TempDir();
        var expected = Vocode(model.Path, Cached(cache.Path));
        var entry = Assert.Single(new GraphCache(cache.Path).Entries());
        var data = GraphCache.DataFileOf(entry);
        if (damage == "data-missing") File.Delete(data);
        else
        {
            var file = damage == "graph" ? entry : data;
            var bad = File.ReadAllBytes(file);
            bad[bad.Length / 2] ^= 0xFF;
            File.WriteAllBytes(file, bad);
        }

        var output = Vocode(model.Path, Cached(cache.Path));

        Assert.Equal(expected, output);
        var rebuilt = Assert.Single(new GraphCache(cache.Path).Entries());
        Assert.NotEqual(entry, rebuilt);
        Assert.False(File.Exists(entry));
        Assert.False(File.Exists(data));
        var rebuiltData = GraphCache.DataFileOf(rebuilt);
        Assert.EndsWith("." + GraphCache.ChecksumOf(rebuilt, rebuiltData) + ".onnx", rebuilt);
        // Not byte-compared with the first entry: ONNX Runtime's NCHWc transformer numbers the nodes it adds
        // differently between optimisations (nchwc_transformer.cc); the output above is what must agree.
        // Only the new entry's two files (and the digests folder) remain.
        Assert.Equal(2, Directory.GetFiles(cache.Path).Length);
    }

    [Fact]
    public void AnEntryKeepsItsInitializersInAPageAlignedDataFile()
    {
        using var model = new TinyModelFolder(vae: false);
        using var cache = new TestPaths.TempDir();
        Vocode(model.Path, Cached(cache.Path));
        var entry = Assert.Single(new GraphCache(cache.Path).Entries());
        var data = new FileInfo(GraphCache.DataFileOf(entry));
        Assert.True(data.Exists);
        // The weights are in the data file, the graph is small (the tiny vocoder's weights are ~0.7 MB).
        Assert.True(data.Length > 4 * new FileInfo(entry).Length, $"data {data.Length} graph {new FileInfo(entry).Length}");
    }

    [Fact]
    public void OffInTheEnvironmentMeansNoCacheAndNoFiles()
    {
        using var home = new TestPaths.TempDir();
        var env = new Dictionary<string, string?> { ["LATENTAUDIO_GRAPH_CACHE"] = "off", ["XDG_CACHE_HOME"] = home.Path };
        var folder = GraphCache.FolderFromEnvironment(n => env.GetValueOrDefault(n));
        Assert.Null(folder);
        using var model = new TinyModelFolder(vae: false);

        Vocode(model.Path, new SessionSettings(IntraOpThreads: 1) { GraphCacheFolder = folder });

        Assert.Empty(Directory.GetFileSystemEntries(home.Path));
    }

    [Fact]
    public void TheFolderComesFromTheEnvironment()
    {
        string? Folder(params (string, string)[] vars) => GraphCache.FolderFromEnvironment(n => vars.FirstOrDefault(v => v.Item1 == n).Item2);
        Assert.Equal(Path.Combine("/x", "latentaudio", "graphs"), Folder(("XDG_CACHE_HOME", "/x")));
        Assert.Equal("/y", Folder(("XDG_CACHE_HOME", "/x"), ("LATENTAUDIO_GRAPH_CACHE", "/y")));
        Assert.Null(Folder(("LATENTAUDIO_GRAPH_CACHE", "OFF")));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "latentaudio", "graphs"), Folder());
    }
}
