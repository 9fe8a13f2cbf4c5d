using System.Diagnostics;
using System.Globalization;
using LatentAudio.Audio;
using LatentAudio.Metrics;

namespace LatentAudio.Cli;

/// <summary><c>latentaudio bench-metrics</c>: times every registered metric on one pair (a benchmark, not a test).</summary>
public sealed class BenchMetricsCommand : ICommand
{
    public string Name => "bench-metrics";
    public string Summary => "time all metrics on a pair (default: 10 s of synthetic noisy speech-like audio at 16 kHz)";
    public string Usage =>
        """
        latentaudio bench-metrics [REF DEG] [--seconds 10] [--rate 16000] [--repeat 5]
          Without files, a deterministic pair (harmonic tone bursts, degraded with noise and a delay) is used.
          Prints the median wall time and process CPU time of the whole metric set (single-threaded code, so CPU
          time is the one-core cost even on a busy machine) and the CPU time of each metric (first call on a
          fresh pair, so it includes the shared spectrograms it computes first).
          --seconds S  length of the synthetic pair (default 10)
          --rate R     rate the metrics run at, in Hz (default 16000)
          --repeat N   timed runs after one warm-up (default 5)
        Examples:
          latentaudio bench-metrics
          latentaudio bench-metrics ref.wav deg.wav --repeat 3
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        double seconds = args.Double("--seconds") ?? 10;
        int rate = args.Int("--rate") ?? 16000, repeat = Math.Max(1, args.Int("--repeat") ?? 5);
        var files = args.Positionals(0, 2);
        if (files.Count == 1) throw new UsageException("give both REF and DEG, or neither");
        AudioBuffer reference, degraded;
        if (files.Count == 2) { reference = AudioFile.Read(files[0]); degraded = AudioFile.Read(files[1]); }
        else (reference, degraded) = SyntheticPair(rate, seconds);

        var options = new MetricOptions(rate);
        MetricEvaluator.Evaluate(reference, degraded, options); // warm-up (JIT)
        var totals = new List<double>();
        var cpuTotals = new List<double>();
        var proc = System.Diagnostics.Process.GetCurrentProcess();
        var per = MetricRegistry.All.ToDictionary(m => m.Info.Key, _ => new List<double>());
        for (int r = 0; r < repeat; r++)
        {
            proc.Refresh();
            var cpu0 = proc.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var pair = MetricPair.Create(reference, degraded, options);
            foreach (var m in MetricRegistry.All)
            {
                proc.Refresh();
                var c0 = proc.TotalProcessorTime;
                try { m.Compute(pair); } catch (MetricUnavailableException) { }
                proc.Refresh();
                per[m.Info.Key].Add((proc.TotalProcessorTime - c0).TotalMilliseconds);
            }
            totals.Add(sw.Elapsed.TotalMilliseconds);
            proc.Refresh();
            cpuTotals.Add((proc.TotalProcessorTime - cpu0).TotalMilliseconds);
        }
        var c = CultureInfo.InvariantCulture;
        context.Out.WriteLine(string.Create(c, $"pair: {reference.Length} samples ({reference.DurationSeconds:0.##} s) at {rate} Hz, {MetricRegistry.All.Count} metrics, {repeat} runs, {Environment.ProcessorCount} logical CPUs visible"));
        context.Out.WriteLine(string.Create(c, $"all metrics: wall median {Median(totals):0.0} ms (min {totals.Min():0.0} ms); process CPU median {Median(cpuTotals):0.0} ms (min {cpuTotals.Min():0.0} ms)"));
        foreach (var (key, times) in per)
            context.Out.WriteLine(string.Create(c, $"  {key,-24} {Median(times),8:0.0} ms"));
        return CliApp.ExitOk;
    }

    private static double Median(List<double> v)
    {
        var s = v.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    /// <summary>Harmonic bursts with a moving pitch (speech-like envelope), and a noisy, 3 ms late copy.</summary>
    internal static (AudioBuffer Ref, AudioBuffer Deg) SyntheticPair(int rate, double seconds)
    {
        int n = (int)(rate * seconds), delay = rate * 3 / 1000;
        var x = new float[n];
        var rng = new Random(1234);
        double phase = 0;
        for (int i = 0; i < n; i++)
        {
            double t = (double)i / rate;
            double f0 = 140 + 40 * Math.Sin(2 * Math.PI * 0.7 * t);
            phase += 2 * Math.PI * f0 / rate;
            double env = Math.Max(0, Math.Sin(2 * Math.PI * 2.5 * t));
            double s = 0;
            for (int h = 1; h <= 12; h++) s += Math.Sin(h * phase) / h;
            x[i] = (float)(0.2 * env * s + 0.003 * (rng.NextDouble() - 0.5));
        }
        var y = new float[n];
        for (int i = 0; i < n; i++) y[i] = (i >= delay ? x[i - delay] : 0) + (float)(0.02 * (rng.NextDouble() - 0.5));
        return (AudioBuffer.Mono(x, rate), AudioBuffer.Mono(y, rate));
    }
}
