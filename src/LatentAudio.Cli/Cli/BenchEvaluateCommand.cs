using System.Diagnostics;
using System.Globalization;
using LatentAudio.Audio;
using LatentAudio.Metrics;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Reconstruction;
using LatentAudio.Reports;
using LatentAudio.Study;

namespace LatentAudio.Cli;

/// <summary>
/// <c>latentaudio bench-evaluate</c>: the study's speed and memory (a benchmark, not a test; every figure from one
/// run, overheads as ratios of times measured side by side): items per hour on 10 s clips and the per-item cost
/// beyond the chain and its metrics; the peak memory of evaluate over few vs many items; the time to summarise
/// 100,000 rows.
/// </summary>
public sealed class BenchEvaluateCommand : ICommand
{
    public string Name => "bench-evaluate";
    public string Summary => "time evaluate per item (vs the bare chain), its peak memory over 50 vs 500 items, and a 100,000-row summary";
    public string Usage => """
        latentaudio bench-evaluate [--model M] [--clips 4] [--seconds 10] [--metrics K,...] [--memory-items 50,500]
            [--summary-rows 100000] [--skip throughput,memory,summary]
          Throughput: --clips synthetic clips of --seconds each (after one warm-up), each run three ways in turn:
          the bare chain (reconstruction + metrics), the chain with the report's excerpts (what evaluate computed
          before they were turned off), and evaluate's own per-item path (item source, chain, rows appended and
          flushed, progress line). Prints medians, items per hour and the overhead ratios.
          Memory: evaluate in a child process over 50 and 500 short (0.5 s) clips; peak resident memory (VmHWM) of
          each and their ratio (Linux). Summary: reads, summarises and renders --summary-rows synthetic rows
          (items x 4 outputs x 20 metrics, 4 categories).
          --model    default audioldm2 (the offline demo: samples/demo-model, random weights)
          --metrics  default snr,lsd,mel_distance
        Examples:
          latentaudio bench-evaluate --model samples/demo-model
          latentaudio bench-evaluate --model audioldm2 --clips 3 --skip memory
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        string model = args.Option("--model", "-m") ?? "audioldm2";
        int clips = Math.Max(1, args.Int("--clips") ?? 4);
        double seconds = args.Double("--seconds") ?? 10;
        var metrics = (args.Option("--metrics") ?? "snr,lsd,mel_distance").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var memoryItems = (args.Option("--memory-items") ?? "50,500").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int summaryRows = args.Int("--summary-rows") ?? 100_000;
        var skip = (args.Option("--skip") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        args.Positionals(0, 0);

        var scratch = Path.Combine(Path.GetTempPath(), "latentaudio-bench-evaluate-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            var o = context.Out;
            o.WriteLine($"bench-evaluate {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs visible, model {model}");
            if (!skip.Contains("throughput")) ThroughputBench.Run(o, model, metrics, clips, seconds, Path.Combine(scratch, "throughput"));
            if (!skip.Contains("memory")) MemoryBench.Run(o, model, metrics, memoryItems, Path.Combine(scratch, "memory"));
            if (!skip.Contains("summary")) SummaryBench.Run(o, summaryRows, Path.Combine(scratch, "summary"));
            return CliApp.ExitOk;
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }

    internal static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    internal static double Median(IReadOnlyList<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    /// <summary>Deterministic speech-like clips (<see cref="BenchMetricsCommand.SyntheticPair"/>, a different seed
    /// offset per clip) written as 16 kHz WAV files under <paramref name="folder"/>/bench/.</summary>
    internal static List<string> Clips(string folder, int count, double seconds)
    {
        var dir = Path.Combine(folder, "bench");
        Directory.CreateDirectory(dir);
        var (clip, _) = BenchMetricsCommand.SyntheticPair(16000, seconds + count * 0.25);
        var x = clip.Channel(0);
        var paths = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var path = Path.Combine(dir, $"clip{i:D4}.wav");
            WavWriter.Write(path, AudioBuffer.Mono(x.AsSpan((int)(i * 0.25 * 16000), (int)(seconds * 16000)).ToArray(), 16000));
            paths.Add(path);
        }
        return paths;
    }
}

/// <summary>Items per hour and the per-item overhead of evaluate over the bare chain, measured side by side per clip.</summary>
internal static class ThroughputBench
{
    public static void Run(TextWriter o, string modelName, string[] metricKeys, int clips, double seconds, string scratch)
    {
        var paths = BenchEvaluateCommand.Clips(scratch, clips + 1, seconds);
        var items = EvaluationItems.Expand([Path.GetDirectoryName(paths[0])!]);
        var settings = new EvaluationSettings { Models = [modelName], Metrics = metricKeys };
        using var model = AudioLdmModel.Load(modelName, ModelParts.All, new LatentAudio.Models.Onnx.SessionSettings { MemoryPattern = false });
        var metrics = ReconstructionMetrics.Create(metricKeys);
        var evaluator = new ItemEvaluator([model], settings, metrics);
        var chain = ItemEvaluator.ChainSettings(settings);
        var rowsPath = Path.Combine(scratch, "rows.jsonl");
        var progress = new EvaluationProgress(TextWriter.Null, items.Count);
        var bare = new List<(double Wall, double Cpu)>();
        var excerpts = new List<(double Wall, double Cpu)>();
        var evaluate = new List<(double Wall, double Cpu)>();
        var bookkeeping = new List<double>();
        using var writer = new EvaluationRowsWriter(rowsPath, 0);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            double keep = 0;
            (double, double) Bare() => Time(() => new Reconstructor(model, chain, metrics).Run(item.Source(), new ItemEvaluator.DiscardSink()));
            (double, double) WithExcerpts() => Time(() => new Reconstructor(model, chain with { ReportExcerpts = true }, metrics).Run(item.Source(), new ItemEvaluator.DiscardSink()));
            (double, double) Evaluate() => Time(() =>
            {
                var rows = evaluator.Evaluate(item);
                keep = Time(() =>
                {
                    foreach (var r in rows) writer.Append(r);
                    progress.ItemDone(item.Id, rows.FirstOrDefault(r => r.IsFailure)?.Failure);
                }).Wall;
            });
            // The order rotates per clip, so a drift of the shared machine's load falls on all three alike.
            var order = new Func<(double, double)>[] { Bare, WithExcerpts, Evaluate };
            var times = new (double Wall, double Cpu)[3];
            for (int k = 0; k < 3; k++) { int which = (k + i) % 3; times[which] = order[which](); }
            if (i == 0) continue;                                   // warm-up: JIT, ONNX sessions' first runs
            bare.Add(times[0]); excerpts.Add(times[1]); evaluate.Add(times[2]); bookkeeping.Add(keep);
        }
        double M(List<(double Wall, double Cpu)> v, bool cpu) => BenchEvaluateCommand.Median(v.Select(t => cpu ? t.Cpu : t.Wall).ToList());
        double b = M(bare, false), x = M(excerpts, false), e = M(evaluate, false);
        double bc = M(bare, true), xc = M(excerpts, true), ec = M(evaluate, true), rowsCost = BenchEvaluateCommand.Median(bookkeeping);
        o.WriteLine(BenchEvaluateCommand.F($"throughput: {clips} clips of {seconds:0.##} s (after 1 warm-up), metrics {string.Join(",", metricKeys)}, decoder vocoder; medians, wall and process CPU"));
        o.WriteLine(BenchEvaluateCommand.F($"  bare chain + metrics   wall {b:0.000} s  cpu {bc:0.000} s per item"));
        o.WriteLine(BenchEvaluateCommand.F($"  + report excerpts      wall {x:0.000} s  cpu {xc:0.000} s per item  ({(x / b - 1) * 100:+0.0;-0.0} % wall, {(xc / bc - 1) * 100:+0.0;-0.0} % cpu over the bare chain)"));
        o.WriteLine(BenchEvaluateCommand.F($"  evaluate per item      wall {e:0.000} s  cpu {ec:0.000} s per item  ({(e / b - 1) * 100:+0.0;-0.0} % wall, {(ec / bc - 1) * 100:+0.0;-0.0} % cpu over the bare chain) = {3600 / e:0} items/h"));
        o.WriteLine(BenchEvaluateCommand.F($"  of which rows appended + flushed + progress line: {rowsCost * 1000:0.0} ms per item ({rowsCost / b * 100:0.00} % of the bare chain)"));
        var per = bare.Zip(evaluate, (p, q) => (q.Wall / p.Wall - 1) * 100).ToList();
        o.WriteLine(BenchEvaluateCommand.F($"  per-clip wall overhead of evaluate: {string.Join(", ", per.Select(v => v.ToString("+0.0;-0.0", CultureInfo.InvariantCulture)))} %"));
    }

    /// <summary>Wall and process CPU seconds of <paramref name="a"/> (CPU time is steadier on a shared machine: other
    /// processes' load lengthens the wall time, not this process's CPU time).</summary>
    private static (double Wall, double Cpu) Time(Action a)
    {
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        a();
        return (sw.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
    }
}

/// <summary>Peak resident memory of evaluate (a child process each) over few vs many items: rows are streamed to the
/// disk, so it should not grow with the number of items.</summary>
internal static class MemoryBench
{
    public static void Run(TextWriter o, string model, string[] metricKeys, int[] sizes, string scratch)
    {
        if (!OperatingSystem.IsLinux()) { o.WriteLine("memory: needs Linux (/proc/PID/status VmHWM); skipped"); return; }
        var peaks = new List<(int Items, long Kb, double Seconds)>();
        foreach (var n in sizes)
        {
            var folder = Path.Combine(scratch, $"n{n}");
            BenchEvaluateCommand.Clips(folder, n, 0.5);
            var sw = Stopwatch.StartNew();
            long kb = PeakOfChild(["evaluate", Path.Combine(folder, "bench"), "-o", Path.Combine(folder, "out"), "--model", model, "--metrics", string.Join(",", metricKeys)]);
            peaks.Add((n, kb, sw.Elapsed.TotalSeconds));
        }
        o.WriteLine("memory: evaluate in a child process over 0.5 s clips (peak resident set, VmHWM)");
        foreach (var (n, kb, s) in peaks) o.WriteLine(BenchEvaluateCommand.F($"  {n,5} items  peak {kb / 1024.0:0.0} MB  ({s:0} s, {n * 3600 / s:0} items/h with start-up)"));
        if (peaks.Count >= 2) o.WriteLine(BenchEvaluateCommand.F($"  ratio {peaks[^1].Items} / {peaks[0].Items} items: {(double)peaks[^1].Kb / peaks[0].Kb:0.00}"));
    }

    /// <summary>Runs this executable with <paramref name="args"/> and returns its peak resident set in kB, read from
    /// /proc while it runs (VmHWM only grows, so the last reading is the peak up to the last poll).</summary>
    private static long PeakOfChild(string[] args)
    {
        var entry = System.Reflection.Assembly.GetEntryAssembly()!.Location;
        var host = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (!Path.GetFileNameWithoutExtension(host).Equals(Path.GetFileNameWithoutExtension(entry), StringComparison.Ordinal)) psi.ArgumentList.Add(entry);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var drainOut = p.StandardOutput.ReadToEndAsync();
        var drainErr = p.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!p.WaitForExit(50))
        {
            try
            {
                var line = File.ReadLines($"/proc/{p.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null) peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
            }
            catch (IOException) { }
        }
        drainOut.Wait();
        if (p.ExitCode is not (0 or 2)) throw new InvalidOperationException($"evaluate exited {p.ExitCode}: {drainErr.Result.Trim().Split('\n').LastOrDefault()}");
        return peak;
    }
}

/// <summary>The summary of many rows: reading the rows file, summarising (bootstrap intervals), writing the pages.</summary>
internal static class SummaryBench
{
    public const int Outputs = 4, Metrics = 20, Categories = 4;

    public static void Run(TextWriter o, int rows, string scratch)
    {
        Directory.CreateDirectory(scratch);
        var path = Path.Combine(scratch, "rows.jsonl");
        int items = Math.Max(1, rows / Outputs);
        var model = new ModelRef("bench/model", "main", new string('0', 64));
        string[] outputs = ["oracle_griffinlim", "oracle_vocoder", "vae_griffinlim", "vae_vocoder"];
        var rng = new Random(17);
        using (var w = new StreamWriter(path))
            for (int i = 0; i < items; i++)
                for (int k = 0; k < Outputs; k++)
                {
                    var m = new Dictionary<string, MetricOutcome>();
                    for (int j = 0; j < Metrics; j++) m[$"metric_{j:D2}"] = MetricOutcome.Of(j + k + rng.NextDouble());
                    w.Write(EvaluationRowsJson.Line(new EvaluationRow
                    {
                        Id = $"c{i % Categories}/item{i:D6}.wav", Category = $"c{i % Categories}", Model = model, Output = outputs[k],
                        Settings = "bench", Metrics = m, StageSeconds = [new("vae_encode", 1.5), new("vocoder", 0.5)],
                    }));
                    w.Write('\n');
                }
        var sw = Stopwatch.StartNew();
        var (read, _, _) = EvaluationRowsJson.ReadFile(path);
        double tRead = sw.Elapsed.TotalSeconds;
        sw.Restart();
        var groups = EvaluationSummary.Build(read);
        double tBuild = sw.Elapsed.TotalSeconds;
        sw.Restart();
        string json = SummaryJson.Build([new("models", model.Id)], groups, []), csv = SummaryJson.Csv(groups), md = SummaryJson.Markdown(groups);
        double tText = sw.Elapsed.TotalSeconds;
        sw.Restart();
        string html = SummaryHtml.Build([new("models", model.Id)], groups, read);
        double tHtml = sw.Elapsed.TotalSeconds;
        o.WriteLine(BenchEvaluateCommand.F($"summary: {read.Count} rows ({items} items x {Outputs} outputs x {Metrics} metrics, {Categories} categories, {new FileInfo(path).Length / 1e6:0} MB)"));
        o.WriteLine(BenchEvaluateCommand.F($"  read {tRead:0.00} s, summarise {tBuild:0.00} s, json/csv/md {tText:0.00} s, html {tHtml:0.00} s ({html.Length / 1024} KB); total {tRead + tBuild + tText + tHtml:0.0} s"));
        GC.KeepAlive(json + csv + md);
    }
}
