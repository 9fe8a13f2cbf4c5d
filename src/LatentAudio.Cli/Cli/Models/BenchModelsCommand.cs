using System.Globalization;
using System.Text.Json;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Models.Bench;
using LatentAudio.Models.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace LatentAudio.Cli.Models;

/// <summary><c>latentaudio bench-models [--model M|--random-fullsize] [--json]</c>: speed of the three stages on 10.24 s.</summary>
public sealed class BenchModelsCommand : ICommand
{
    public string Name => "bench-models";
    public string Summary => "time VAE encode/decode and the vocoder on a 10.24 s input (full-size AudioLDM2 architecture)";
    public string Usage =>
        "latentaudio bench-models [--model M | --random-fullsize [--family 16k|48k] [--keep DIR]] [--path model|reconstruct] [--runs N]\n" +
        "                        [--frames N] [--threads N] [--reference-timing FILE] [--json]\n" +
        "  --model M           benchmark this model (needs vae/ and vocoder/)\n" +
        "  --random-fullsize   (default) cvssp/audioldm2's architecture with random weights, written to a temp folder\n" +
        "  --family F          the random full-size architecture: 16k (default; cvssp/audioldm2) or 48k (audioldm_48k:\n" +
        "                      256 mels, HiFi-GAN 1536 channels; about 1.7 GB of weights, far heavier)\n" +
        "  --keep DIR          write the random full-size model to DIR and keep it (to time reconstruct on it)\n" +
        "  --path P            model (default): the networks alone; reconstruct: also reconstruct's own code path on\n" +
        "                      10.24 s (its metrics.json stage seconds), with the ratio to the networks alone (a ratio\n" +
        "                      over 1.1x, wall or cpu, is flagged OVER)\n" +
        "  --frames N          mel frames of the input (default 1024 = 10.24 s; a multiple of the VAE's factor): a\n" +
        "                      shorter input for a loaded machine (no PyTorch reference column then)\n" +
        "  --runs N            timed runs per stage after one warm-up (default 3; the median is reported)\n" +
        "  --threads N         ONNX Runtime intra-op threads (default: the cores available, as every command)\n" +
        "  --optimization L    ONNX Runtime graph optimisation: all (default), extended, basic, none\n" +
        "  --reference-timing FILE  the JSON reference/bench/time_reference.py wrote (PyTorch's seconds): prints the\n" +
        "                      speed-up, only for the full-size architecture at the same frames and threads\n" +
        "  --json              one JSON object (encode_s, decode_s, vocoder_s, ...) (default: a table)\n" +
        "Examples:\n" +
        "  latentaudio bench-models                       the full-size architecture, random weights, no download\n" +
        "  latentaudio bench-models --family 48k --runs 1  the 48 kHz architecture, one timed run\n" +
        "  latentaudio bench-models --model audioldm2 --runs 5 --threads 2 --json";

    public int Run(CommandArgs args, CliContext context)
    {
        bool json = args.Flag("--json");
        bool random = args.Flag("--random-fullsize");
        var modelSpec = args.Option("--model", "-m");
        int runs = args.Int("--runs") ?? 3;
        int frames = args.Int("--frames") ?? ModelBenchmark.Frames;
        int threads = args.Int("--threads") ?? 0;
        var keep = args.Option("--keep");
        var referenceFile = args.Option("--reference-timing");
        var familyName = args.Option("--family");
        var architecture = FullSizeArchitecture.Find(familyName ?? "16k")
            ?? throw new UsageException($"unknown --family '{familyName}' (16k, 48k)");
        bool reconstructPath = (args.Option("--path") ?? "model") switch
        {
            "model" => false,
            "reconstruct" => true,
            var other => throw new UsageException($"unknown --path '{other}' (model, reconstruct)"),
        };
        var level = (args.Option("--optimization") ?? "all") switch
        {
            "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
            "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "none" => GraphOptimizationLevel.ORT_DISABLE_ALL,
            var other => throw new UsageException($"unknown --optimization '{other}' (all, extended, basic, none)"),
        };
        args.Positionals(0, 0);
        if (random && modelSpec is not null) throw new UsageException("give either --model or --random-fullsize");
        if (runs < 1) throw new UsageException("--runs must be at least 1");
        if (frames < 1) throw new UsageException("--frames must be at least 1");
        if (threads < 0) throw new UsageException("--threads must be 0 or more");
        if (familyName is not null && modelSpec is not null) throw new UsageException("--family picks the random full-size architecture; it does not go with --model");
        if (keep is not null && modelSpec is not null) throw new UsageException("--keep writes the random full-size model; it does not go with --model");
        // Read before the minutes of benchmarking, so a malformed file fails at once.
        var reference = referenceFile is null ? null : ReferenceTiming.Load(referenceFile);
        // The settings every command uses, so the benchmark times the sessions users get.
        var settings = SessionSettings.Default with { IntraOpThreads = threads, OptimizationLevel = level };
        Action<string>? progress = json ? null : context.Error.WriteLine;

        string? temp = null;
        try
        {
            ModelLocation model;
            if (modelSpec is null)
            {
                string folder = keep ?? (temp = Path.Combine(Path.GetTempPath(), "latentaudio-bench-" + Guid.NewGuid().ToString("N")));
                progress?.Invoke($"writing the {architecture.Name}'s random weights to {folder} ...");
                FullSizeModel.WriteRandom(folder, architecture);
                model = new ModelLocation(architecture.Name, null, folder);
            }
            else model = ModelResolver.Resolve(modelSpec, ModelParts.All);
            var r = ModelBenchmark.Run(model, settings, runs, frames, progress);
            ReconstructPathResult? path = null;
            if (reconstructPath)
            {
                using var loaded = AudioLdmModel.Open(modelSpec ?? model.RootFolder, model, ModelParts.All, settings);
                path = ReconstructPathBenchmark.Run(loaded, runs, progress);
            }
            var comparison = reference is null ? null : ReferenceComparison.Of(r, reference);
            if (json) context.Out.WriteLine(JsonSerializer.Serialize(ToJson(r, path, comparison), new JsonSerializerOptions { WriteIndented = true }));
            else
            {
                Print(r, context.Out);
                PrintReference(comparison, context.Out);
                if (path is not null) PrintPath(r, path, context.Out);
            }
            return CliApp.ExitOk;
        }
        finally
        {
            if (temp is not null) try { Directory.Delete(temp, true); } catch (IOException) { }
        }
    }

    private static void Print(ModelBenchmarkResult r, TextWriter o)
    {
        var p = r.Peak;
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"model: {r.Model}; input {r.Frames} frames = {r.AudioSeconds:0.00} s; threads {r.Threads}; load {r.LoadSeconds:0.0} s"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fp32 FMA peak of this machine: {p.GflopsPerSecond:0.0} GFLOP/s on {p.Threads} threads ({p.Kernel}; best of {p.Windows} x {p.WindowSeconds:0.0} s, measured in this run; per CPU second x threads: {p.CpuGflopsPerSecond:0.0})"));
        if (r.Gemm is { } g)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ONNX Runtime's fp32 MatMul here: {g.GflopsPerSecond:0.0} GFLOP/s = {100 * g.FractionOf(p):0}% of that peak ({g.M}x{g.K} @ {g.K}x{g.N}, the vocoder's largest convolution unrolled; best of {g.Runs}): the rate the library reaches, to read %peak against"));
        o.WriteLine("stage     median_s   min_s    RTF     GFLOP    GFLOP/s  %peak   cpu_s");
        foreach (var s in new[] { r.Encode, r.Decode, r.Vocoder })
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Name,-8} {s.Median,8:0.000} {s.Min,7:0.000} {s.RealTimeFactor(r.AudioSeconds),7:0.000} {s.Flops / 1e9,8:0.0} {s.GflopsPerSecond,8:0.0} {100 * s.FractionOf(p),5:0}% {s.MedianCpu,7:0.000}"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total    {r.TotalMedian,8:0.000} {r.TotalMin,7:0.000} {r.TotalMedian / r.AudioSeconds,7:0.000}"));
        if (r.StagesAbovePeak.Count > 0)
            o.WriteLine($"WARNING: {string.Join(", ", r.StagesAbovePeak)} ran above the measured peak, so the peak was under-measured (a busier machine during its loop?) and every %peak of this run is too high");
        o.WriteLine($"peak working set: {r.PeakWorkingSetBytes / 1048576.0:0} MiB (%peak = GFLOP/s of the median / the FMA peak; cpu_s = process CPU seconds per run, all threads: on a shared machine cpu_s / threads estimates the unloaded time)");
    }

    private static void PrintReference(ReferenceComparison? c, TextWriter o)
    {
        if (c is null)
        {
            o.WriteLine("no PyTorch comparison: give --reference-timing FILE (written by reference/bench/time_reference.py on this machine)");
            return;
        }
        var t = c.Reference;
        if (!c.Compared)
        {
            o.WriteLine($"no speed-up against {t.Path}: {c.NotComparedBecause}");
            return;
        }
        o.WriteLine($"PyTorch reference {t.Path} ({t.Versions ?? "versions not recorded"}; cpu {t.Cpu ?? "not recorded"}; {t.Threads} threads): speed-up = reference min / our min");
        foreach (var s in c.Stages)
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.Name,-8} reference {s.ReferenceSeconds,8:0.000} s  ours {s.Seconds,7:0.000} s  speed-up {s.Speedup,5:0.00}x"));
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total    speed-up {c.TotalSpeedup:0.00}x"));
    }

    /// <summary>Issue 15: the user path runs at the benchmark's speed when reconstruct's per-call seconds are within
    /// this factor of the bare networks' (wall or CPU); a stage over it is flagged.</summary>
    public const double PathRatioLimit = 1.1;

    private static bool OverLimit(PathStageTiming stage, StageTiming bench) =>
        stage.MedianPerCall / bench.Median > PathRatioLimit || stage.MedianCpuPerCall / bench.MedianCpu > PathRatioLimit;

    private static void PrintPath(ModelBenchmarkResult r, ReconstructPathResult p, TextWriter o)
    {
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reconstruct path ({p.AudioSeconds:0.00} s input, default settings; per call; the networks alone from the same run):"));
        o.WriteLine("stage        calls  median_s  bench_s   ratio    cpu_s  bench_cpu_s  cpu_ratio   min_s  bench_min_s  min_ratio");
        var flag = string.Create(CultureInfo.InvariantCulture, $"  OVER {PathRatioLimit:0.0}x");
        foreach (var (stage, bench) in Pairs(r, p))
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{stage.Name,-12} {stage.Calls,5} {stage.MedianPerCall,9:0.000} {bench.Median,8:0.000} {stage.MedianPerCall / bench.Median,6:0.00}x {stage.MedianCpuPerCall,8:0.000} {bench.MedianCpu,12:0.000} {stage.MedianCpuPerCall / bench.MedianCpu,9:0.00}x {stage.MinPerCall,7:0.000} {bench.Min,12:0.000} {stage.MinPerCall / bench.Min,9:0.00}x") + (OverLimit(stage, bench) ? flag : ""));
        var over = Pairs(r, p).Where(x => OverLimit(x.Stage, x.Bench)).Select(x => x.Stage.Name).ToList();
        var limit = PathRatioLimit.ToString("0.0", CultureInfo.InvariantCulture);
        o.WriteLine(over.Count == 0
            ? $"every ratio (wall and cpu) is within {limit}x"
            : $"over {limit}x: {string.Join(", ", over)} (wall ratios move with the machine's load; the cpu ratio is the steadier one)");
        if (LoadAverage() is { } load) o.WriteLine($"load average (1, 5, 15 min) at the end: {load}");
    }

    /// <summary>/proc/loadavg's three averages (Linux), or null: the wall ratios only mean something on a quiet machine.</summary>
    private static string? LoadAverage()
    {
        try { return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null; }
        catch (IOException) { return null; }
    }

    private static IEnumerable<(PathStageTiming Stage, StageTiming Bench)> Pairs(ModelBenchmarkResult r, ReconstructPathResult p) =>
        [(p.Encode, r.Encode), (p.Decode, r.Decode), (p.Vocoder, r.Vocoder)];

    private static Dictionary<string, object?> ToJson(ModelBenchmarkResult r, ReconstructPathResult? path, ReferenceComparison? reference)
    {
        var d = new Dictionary<string, object?>
        {
            ["model"] = r.Model, ["frames"] = r.Frames, ["audio_s"] = r.AudioSeconds, ["threads"] = r.Threads, ["load_s"] = r.LoadSeconds,
            ["peak_working_set_bytes"] = r.PeakWorkingSetBytes,
            ["fma_peak_gflops_per_s"] = r.Peak.GflopsPerSecond, ["fma_peak_threads"] = r.Peak.Threads, ["fma_peak_kernel"] = r.Peak.Kernel,
            ["fma_peak_windows"] = r.Peak.Windows, ["fma_peak_window_s"] = r.Peak.WindowSeconds,
            ["fma_peak_cpu_gflops_per_s"] = r.Peak.CpuGflopsPerSecond,
            ["stages_above_peak"] = r.StagesAbovePeak.ToArray(),
            ["gemm_gflops_per_s"] = r.Gemm?.GflopsPerSecond,
            ["gemm_fraction_of_peak"] = r.Gemm?.FractionOf(r.Peak),
            ["gemm_shape"] = r.Gemm is { } g ? new[] { g.M, g.K, g.N } : null,
        };
        foreach (var s in new[] { r.Encode, r.Decode, r.Vocoder })
        {
            d[$"{s.Name}_s"] = s.Median;
            d[$"{s.Name}_min_s"] = s.Min;
            d[$"{s.Name}_all_s"] = s.Seconds;
            d[$"{s.Name}_cpu_s"] = s.MedianCpu;
            d[$"{s.Name}_cpu_all_s"] = s.CpuSeconds;
            d[$"{s.Name}_rtf"] = s.RealTimeFactor(r.AudioSeconds);
            d[$"{s.Name}_flops"] = s.Flops;
            d[$"{s.Name}_gflops_per_s"] = s.GflopsPerSecond;
            d[$"{s.Name}_fraction_of_peak"] = s.FractionOf(r.Peak);
        }
        if (path is not null)
            foreach (var (stage, bench) in Pairs(r, path))
            {
                d[$"reconstruct_{stage.Name}_s"] = stage.MedianPerCall;
                d[$"reconstruct_{stage.Name}_all_s"] = stage.Seconds;
                d[$"reconstruct_{stage.Name}_calls"] = stage.Calls;
                d[$"reconstruct_{stage.Name}_ratio"] = stage.MedianPerCall / bench.Median;
                d[$"reconstruct_{stage.Name}_cpu_s"] = stage.MedianCpuPerCall;
                d[$"reconstruct_{stage.Name}_cpu_ratio"] = stage.MedianCpuPerCall / bench.MedianCpu;
                d[$"reconstruct_{stage.Name}_over_limit"] = OverLimit(stage, bench);
                d[$"reconstruct_{stage.Name}_min_s"] = stage.MinPerCall;
                d[$"reconstruct_{stage.Name}_min_ratio"] = stage.MinPerCall / bench.Min;
            }
        if (path is not null)
        {
            d["reconstruct_ratio_limit"] = PathRatioLimit;
            d["load_average"] = LoadAverage();
        }
        d["total_s"] = r.TotalMedian;
        if (reference is not null)
        {
            d["reference_file"] = reference.Reference.Path;
            d["reference_not_compared"] = reference.NotComparedBecause;
            foreach (var s in reference.Stages)
            {
                d[$"{s.Name}_reference_s"] = s.ReferenceSeconds;
                d[$"{s.Name}_speedup_vs_reference"] = s.Speedup;
            }
            if (reference.Compared) d["total_speedup_vs_reference"] = reference.TotalSpeedup;
        }
        return d;
    }
}
