using System.Diagnostics;
using System.Globalization;
using LatentAudio.Metrics.Distribution;

namespace LatentAudio.Cli;

/// <summary>
/// <c>latentaudio bench-fad</c>: the Fréchet distance's cost at an embedding size (a benchmark, not a test): two
/// synthetic sets, the reference side prepared once (<see cref="FrechetBase"/>: the full eigen-decomposition), then
/// the distance to the other set (the products and an eigenvalues-only pass), each with wall and process CPU time.
/// </summary>
public sealed class BenchFadCommand : ICommand
{
    public string Name => "bench-fad";
    public string Summary => "time one Fréchet distance between two synthetic embedding sets (default d = 2048, PANNs CNN14's size)";
    public string Usage =>
        """
        latentaudio bench-fad [--dim 2048] [--count 3000] [--repeat 1] [--seed 18]
          Two sets of COUNT vectors of DIM values (Gaussian, correlated along the vector, spectrum decaying; the second
          shifted by 0.05), their streaming statistics, then: the reference prepared once (eigen-decomposition of its
          covariance) and REPEAT distances to the other set. Prints wall and process CPU seconds of each part (the code
          is single-threaded, so CPU time is the one-core cost even on a busy machine) and the distance.
          --dim D      embedding size (default 2048; VGGish 128)
          --count N    vectors per set (default 3000)
          --repeat R   distances timed against the one prepared reference (default 1)
          --seed S     seed of the synthetic sets (default 18)
        Examples:
          latentaudio bench-fad
          latentaudio bench-fad --dim 512 --repeat 3
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        int d = args.Int("--dim") ?? 2048, n = args.Int("--count") ?? 3000;
        int repeat = Math.Max(1, args.Int("--repeat") ?? 1), seed = args.Int("--seed") ?? 18;
        if (d < 1 || n < 2) throw new UsageException("--dim must be 1 or more and --count 2 or more");
        var c = CultureInfo.InvariantCulture;
        var o = context.Out;
        o.WriteLine(string.Create(c, $"bench-fad {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, d {d}, {n} vectors per set, {Environment.ProcessorCount} logical CPUs visible"));
        var timer = new PhaseTimer();
        var (a, b) = SyntheticSets(d, n, seed);
        o.WriteLine(string.Create(c, $"statistics of both sets  {timer.Lap()}"));
        var prepared = FrechetBase.Of(a);
        o.WriteLine(string.Create(c, $"reference prepared       {timer.Lap()}  (rank {prepared.Rank})"));
        for (int r = 0; r < repeat; r++)
        {
            double fd = prepared.DistanceTo(b);
            o.WriteLine(string.Create(c, $"distance {r + 1,-15} {timer.Lap()}  FD {fd:R}"));
        }
        return CliApp.ExitOk;
    }

    /// <summary>Gaussian vectors made correlated along the vector (x_i = x_{i−1}/2 + g_i s_i) with a decaying scale
    /// s_i = 1/√(1 + i/64), so the covariance is full-rank and far from a multiple of I; the second set shifted.</summary>
    internal static (EmbeddingStatistics A, EmbeddingStatistics B) SyntheticSets(int d, int n, int seed)
    {
        var random = new Random(seed);
        var scale = new double[d];
        for (int i = 0; i < d; i++) scale[i] = 1.0 / Math.Sqrt(1 + i / 64.0);
        EmbeddingStatistics Make(double shift)
        {
            var s = new EmbeddingStatistics(d);
            var v = new float[d];
            for (int k = 0; k < n; k++)
            {
                double previous = 0;
                for (int i = 0; i < d; i++)
                {
                    double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
                    double g = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                    previous = 0.5 * previous + g * scale[i];
                    v[i] = (float)(previous + shift);
                }
                s.Add(v);
            }
            return s;
        }
        return (Make(0), Make(0.05));
    }

    /// <summary>Wall and process CPU time since the previous lap.</summary>
    private sealed class PhaseTimer
    {
        private readonly Process _process = Process.GetCurrentProcess();
        private readonly Stopwatch _wall = Stopwatch.StartNew();
        private TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;

        public string Lap()
        {
            _process.Refresh();
            var cpu = _process.TotalProcessorTime;
            string text = string.Create(CultureInfo.InvariantCulture, $"wall {_wall.Elapsed.TotalSeconds,7:0.00} s, CPU {(cpu - _cpu).TotalSeconds,7:0.00} s");
            _cpu = cpu;
            _wall.Restart();
            return text;
        }
    }
}
