using System.Diagnostics;
using System.IO.Hashing;
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
public sealed record LoadBenchmarkResult(string Model, int Threads, double UncachedSeconds, double ColdSeconds, double WarmSeconds,
    double KeySeconds, double ReadSeconds, long CacheBytes, int CacheEntries);

public static class LoadBenchmark
{
    public static LoadBenchmarkResult Run(ModelLocation model, SessionSettings settings, string emptyCacheFolder)
    {
        if (Directory.Exists(emptyCacheFolder) && Directory.EnumerateFileSystemEntries(emptyCacheFolder).Any())
            throw new InvalidInputException($"{emptyCacheFolder}: the cold load needs an empty cache folder");
        double uncached = TimeLoad(model, settings with { GraphCacheFolder = null });
        var cached = settings with { GraphCacheFolder = emptyCacheFolder };
        double cold = TimeLoad(model, cached);
        double warm = TimeLoad(model, cached);
        var cache = new GraphCache(emptyCacheFolder);
        var entries = cache.Entries();
        return new LoadBenchmarkResult(model.Id, settings.Threads, uncached, cold, warm, TimeKey(model), TimeRead(entries),
            entries.Sum(e => new FileInfo(e).Length), entries.Count);
    }

    /// <summary>Seconds to load the VAE and the vocoder with <paramref name="settings"/> (until both sessions exist).</summary>
    public static double TimeLoad(ModelLocation model, SessionSettings settings)
    {
        var clock = Stopwatch.StartNew();
        using var vae = AutoencoderKl.Load(model, settings);
        using var vocoder = HifiGanVocoder.Load(model, settings);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The cache key's cost: sha256 of both config and weights files, as a cached load computes them.</summary>
    private static double TimeKey(ModelLocation model)
    {
        var clock = Stopwatch.StartNew();
        foreach (var (folder, weights, bin) in new[]
                 {
                     (model.VaeFolder, AutoencoderKl.WeightsFile, AutoencoderKl.PyTorchWeightsFile),
                     (model.VocoderFolder, HifiGanVocoder.WeightsFile, HifiGanVocoder.PyTorchWeightsFile),
                 })
        {
            var path = Path.Combine(folder, weights);
            var files = new GraphFiles(Path.Combine(folder, "config.json"), File.Exists(path) ? path : Path.Combine(folder, bin));
            _ = files.ConfigSha256 + files.WeightsSha256;
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Reading every entry and checking its XxHash128, as a cached load does before ONNX Runtime sees it.</summary>
    private static double TimeRead(IReadOnlyList<string> entries)
    {
        var clock = Stopwatch.StartNew();
        foreach (var e in entries) _ = XxHash128.Hash(File.ReadAllBytes(e));
        return clock.Elapsed.TotalSeconds;
    }
}
