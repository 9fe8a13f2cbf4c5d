using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LatentAudio.Models;
using LatentAudio.Models.Bench;
using LatentAudio.Models.Onnx;

namespace LatentAudio.Cli.Models;

/// <summary><c>latentaudio bench-load [--model M|--random-fullsize] [--json]</c>: model load time without and with the graph cache.</summary>
public sealed class BenchLoadCommand : ICommand
{
    public string Name => "bench-load";
    public string Summary => "time loading the VAE and vocoder: no graph cache, an empty one, the filled one (same process and a fresh one)";
    public string Usage =>
        "latentaudio bench-load [--model M | --random-fullsize] [--threads N] [--json]\n" +
        "  --model M           load this model (needs vae/ and vocoder/)\n" +
        "  --random-fullsize   (default) cvssp/audioldm2's architecture with random weights, written to a temp folder\n" +
        "  --threads N         ONNX Runtime intra-op threads (default: the cores available, as every command)\n" +
        "  --json              one JSON object (uncached_s, cold_s, warm_s, fresh_process_s, ...) (default: a table)\n" +
        "The graph cache used is a new temporary folder, deleted afterwards; the user's cache is not touched.\n" +
        "Examples:\n" +
        "  latentaudio bench-load\n" +
        "  latentaudio bench-load --model audioldm2 --json";

    /// <summary>The child's mode: one load with the cache folder given, its seconds as JSON (not in the usage: internal).</summary>
    private const string OnceOption = "--once-with-cache";

    public int Run(CommandArgs args, CliContext context)
    {
        bool json = args.Flag("--json");
        bool random = args.Flag("--random-fullsize");
        var modelSpec = args.Option("--model", "-m");
        int threads = args.Int("--threads") ?? 0;
        var once = args.Option(OnceOption);
        args.Positionals(0, 0);
        if (random && modelSpec is not null) throw new UsageException("give either --model or --random-fullsize");
        if (threads < 0) throw new UsageException("--threads must be 0 or more");
        var settings = SessionSettings.Default with { IntraOpThreads = threads };
        if (once is not null)
        {
            if (modelSpec is null) throw new UsageException($"{OnceOption} needs --model");
            var t = LoadBenchmark.TimeLoad(ModelResolver.Resolve(modelSpec, ModelParts.All), settings with { GraphCacheFolder = once });
            context.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, double> { ["load_s"] = t.Wall, ["load_cpu_s"] = t.Cpu }));
            return CliApp.ExitOk;
        }
        Action<string>? progress = json ? null : context.Error.WriteLine;
        string? temp = null;
        string cache = Path.Combine(Path.GetTempPath(), "latentaudio-graphcache-" + Guid.NewGuid().ToString("N"));
        try
        {
            ModelLocation model;
            string folder;
            if (modelSpec is null)
            {
                folder = temp = Path.Combine(Path.GetTempPath(), "latentaudio-bench-" + Guid.NewGuid().ToString("N"));
                progress?.Invoke($"writing random full-size AudioLDM2 weights to {temp} ...");
                FullSizeModel.WriteRandom(temp);
                model = new ModelLocation("random full-size cvssp/audioldm2 architecture", null, temp);
            }
            else
            {
                model = ModelResolver.Resolve(modelSpec, ModelParts.All);
                folder = model.RootFolder;
            }
            progress?.Invoke("loading: no cache, empty cache, filled cache ...");
            var r = LoadBenchmark.Run(model, settings, cache);
            progress?.Invoke("loading in a fresh process with the filled cache ...");
            var fresh = FreshProcess(folder, cache, threads);
            if (json) context.Out.WriteLine(JsonSerializer.Serialize(ToJson(r, fresh), new JsonSerializerOptions { WriteIndented = true }));
            else Print(r, fresh, context.Out);
            return CliApp.ExitOk;
        }
        finally
        {
            foreach (var d in new[] { temp, cache })
                if (d is not null) try { Directory.Delete(d, true); } catch (DirectoryNotFoundException) { } catch (IOException) { }
        }
    }

    /// <summary>The load seconds a new latentaudio process reports, and that process's wall time from start to exit;
    /// null when this is not the latentaudio executable (run in-process by tests).</summary>
    private static (LoadTime Load, double Wall)? FreshProcess(string modelFolder, string cache, int threads)
    {
        var self = Environment.ProcessPath;
        var argv0 = Environment.GetCommandLineArgs()[0];
        if (self is null) return null;
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "latentaudio") start.FileName = self;
        else if (Path.GetFileNameWithoutExtension(self) == "dotnet" && Path.GetFileName(argv0) == "latentaudio.dll")
        {
            start.FileName = self;
            start.ArgumentList.Add(argv0);
        }
        else return null;
        foreach (var a in new[] { "bench-load", "--model", modelFolder, "--threads", threads.ToString(CultureInfo.InvariantCulture), OnceOption, cache })
            start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var child = Process.Start(start) ?? throw new LatentAudioException("could not start a second latentaudio process");
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        child.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;
        if (child.ExitCode != 0) throw new LatentAudioException($"the fresh-process load failed: {stderr.Result.Trim()}");
        using var doc = JsonDocument.Parse(stdout.Result);
        var root = doc.RootElement;
        return (new LoadTime(root.GetProperty("load_s").GetDouble(), root.GetProperty("load_cpu_s").GetDouble()), wall);
    }

    private static void Print(LoadBenchmarkResult r, (LoadTime Load, double Wall)? fresh, TextWriter o)
    {
        string S(double s) => s.ToString("0.00", CultureInfo.InvariantCulture);
        string T(LoadTime t) => $"{S(t.Wall),7} s wall {S(t.Cpu),7} s cpu";
        o.WriteLine($"model: {r.Model}; threads {r.Threads}; cache {r.CacheEntries} entries, {r.CacheBytes / 1048576.0:0} MiB");
        o.WriteLine($"no cache (first load of the process)   {T(r.Uncached)}");
        o.WriteLine($"empty cache (build, optimise, store)   {T(r.Cold)}");
        o.WriteLine($"filled cache, same process             {T(r.Warm)}");
        o.WriteLine(fresh is { } f
            ? $"filled cache, fresh process            {T(f.Load)}  (process start to exit {S(f.Wall)} s)"
            : "filled cache, fresh process            not measured (not run as the latentaudio executable)");
        o.WriteLine($"  a cached load pays: sha256 of config + weights, remembered {T(r.Key)} (read and hashed, after the weights changed: {T(r.KeyHashed)});");
        o.WriteLine($"  reading + checking entries {T(r.Read)}; the rest is ONNX Runtime's session creation (VAE and vocoder on two threads)");
        o.WriteLine("  (cpu = process CPU seconds, all threads: on a shared machine a steadier figure than the wall time)");
    }

    private static Dictionary<string, object?> ToJson(LoadBenchmarkResult r, (LoadTime Load, double Wall)? fresh) => new()
    {
        ["model"] = r.Model, ["threads"] = r.Threads,
        ["uncached_s"] = r.Uncached.Wall, ["cold_s"] = r.Cold.Wall, ["warm_s"] = r.Warm.Wall,
        ["uncached_cpu_s"] = r.Uncached.Cpu, ["cold_cpu_s"] = r.Cold.Cpu, ["warm_cpu_s"] = r.Warm.Cpu,
        ["fresh_process_s"] = fresh?.Load.Wall, ["fresh_process_cpu_s"] = fresh?.Load.Cpu, ["fresh_process_wall_s"] = fresh?.Wall,
        ["key_sha256_s"] = r.Key.Wall, ["key_sha256_cpu_s"] = r.Key.Cpu, ["key_sha256_hashed_s"] = r.KeyHashed.Wall, ["key_sha256_hashed_cpu_s"] = r.KeyHashed.Cpu,
        ["read_check_s"] = r.Read.Wall, ["read_check_cpu_s"] = r.Read.Cpu,
        ["cache_bytes"] = r.CacheBytes, ["cache_entries"] = r.CacheEntries,
    };
}
