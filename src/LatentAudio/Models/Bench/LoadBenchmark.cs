using System.Diagnostics;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vae;
using LatentAudio.Models.Vocoder;

namespace LatentAudio.Models.Bench;

/// <summary>
/// Seconds to load a model's VAE and vocoder as every command does (<see cref="AutoencoderKl.Load(ModelLocation, SessionSettings?, int?)"/>,
/// <see cref="HifiGanVocoder.Load(ModelLocation, SessionSettings?, int?)"/>): without a graph cache, with an empty one (build,
/// optimise and store), and again with the filled one in the same process; plus the parts a cached load still
/// pays before ONNX Runtime: the sha256 of config and weights (the cache key) and reading + checking the entries.
/// </summary>
/// <param name="UncachedSeconds">The first load of the process: it also pays the one-off start-up of ONNX Runtime and the JIT.</param>
/// <param name="Key">The cache key's digests as a cached load gets them (remembered: statx + a small record per file).</param>
/// <param name="KeyHashed">The same digests by reading and hashing config and weights: what the first load after the weights changed pays.</param>
public sealed record LoadBenchmarkResult(string Model, int Threads, LoadTime Uncached, LoadTime Cold, LoadTime Warm,
    LoadTime Key, LoadTime KeyHashed, LoadTime Read, long CacheBytes, int CacheEntries);

/// <summary>Wall seconds and process CPU seconds (all threads) of one timed step: on a shared, oversubscribed machine
/// the CPU seconds move far less with the load than the wall time.</summary>
public readonly record struct LoadTime(double Wall, double Cpu)
{
    public static LoadTime Measure(Action work)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        work();
        double wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return new LoadTime(wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}

public static class LoadBenchmark
{
    public static LoadBenchmarkResult Run(ModelLocation model, SessionSettings settings, string emptyCacheFolder)
    {
        if (Directory.Exists(emptyCacheFolder) && Directory.EnumerateFileSystemEntries(emptyCacheFolder).Any())
            throw new InvalidInputException($"{emptyCacheFolder}: the cold load needs an empty cache folder");
        var uncached = TimeLoad(model, settings with { GraphCacheFolder = null });
        var cached = settings with { GraphCacheFolder = emptyCacheFolder };
        var cold = TimeLoad(model, cached);
        var warm = TimeLoad(model, cached);
        var cache = new GraphCache(emptyCacheFolder);
        var entries = cache.Entries();
        return new LoadBenchmarkResult(model.Id, settings.Threads, uncached, cold, warm, TimeKey(model, cache.Digests), TimeKey(model, null), TimeRead(entries),
            cache.Bytes(), entries.Count);
    }

    /// <summary>Seconds to load the VAE and the vocoder with <paramref name="settings"/> (until both sessions exist).</summary>
    public static LoadTime TimeLoad(ModelLocation model, SessionSettings settings)
    {
        AudioLdmModel? loaded = null;
        try
        {
            // What every command runs (the VAE, the vocoder and the model's identity, the VAE weights' sha256).
            return LoadTime.Measure(() => loaded = AudioLdmModel.Open(model.RootFolder, model, ModelParts.All, settings));
        }
        finally
        {
            loaded?.Dispose();
        }
    }

    /// <summary>The cache key's cost: sha256 of both config and weights files, from <paramref name="digests"/> as a cached
    /// load gets them, or (null) read and hashed.</summary>
    private static LoadTime TimeKey(ModelLocation model, FileDigests? digests) => LoadTime.Measure(() =>
    {
        foreach (var (folder, weights, bin) in new[]
                 {
                     (model.VaeFolder, AutoencoderKl.WeightsFile, AutoencoderKl.PyTorchWeightsFile),
                     (model.VocoderFolder, HifiGanVocoder.WeightsFile, HifiGanVocoder.PyTorchWeightsFile),
                 })
        {
            var path = Path.Combine(folder, weights);
            var files = new GraphFiles(Path.Combine(folder, "config.json"), File.Exists(path) ? path : Path.Combine(folder, bin));
            _ = files.Digests(digests);
        }
    });

    /// <summary>Reading every entry and checking its XxHash128 (streamed), as a cached load does before ONNX Runtime reads it.</summary>
    private static LoadTime TimeRead(IReadOnlyList<string> entries) =>
        LoadTime.Measure(() => { foreach (var e in entries) _ = GraphCache.ChecksumOf(e, GraphCache.DataFileOf(e)); });
}
