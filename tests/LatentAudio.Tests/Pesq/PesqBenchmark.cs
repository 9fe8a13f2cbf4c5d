using System.Diagnostics;
using LatentAudio.Metrics;
using LatentAudio.Metrics.P862;
using Xunit.Abstractions;
using PesqMetric = LatentAudio.Metrics.Pesq;

namespace LatentAudio.Tests.Pesq;

/// <summary>
/// Timing of PESQ WB on an 8 s pair (a benchmark, not a test: it only runs with LATENTAUDIO_BENCH=1 and asserts
/// nothing about speed). Build in Release for meaningful numbers:
/// LATENTAUDIO_BENCH=1 dotnet test -c Release --filter FullyQualifiedName~PesqBenchmark --logger "console;verbosity=detailed"
/// </summary>
public class PesqBenchmark(ITestOutputHelper output)
{
    [Fact]
    public void WideBandEightSeconds()
    {
        if (Environment.GetEnvironmentVariable("LATENTAUDIO_BENCH") != "1") return;
        var r = PesqGoldenTests.Load("libri1_ref.wav");
        var d = PesqGoldenTests.Load("libri1_opus12k.wav");
        for (int i = 0; i < 3; i++) PesqMetric.Compute(r, d, 16000, PesqMode.WideBand);
        Measure("fresh call (Pesq.Compute)", () => PesqMetric.Compute(r, d, 16000, PesqMode.WideBand));
        var evaluator = new PesqEvaluator();
        Measure("reused PesqEvaluator", () => evaluator.Score(r, d, 16000, PesqMode.WideBand));
    }

    private void Measure(string what, Action call)
    {
        const int reps = 10;
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) call();
        wall.Stop();
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds / reps;
        output.WriteLine($"PESQ WB, 8 s pair, {what}: {wall.Elapsed.TotalMilliseconds / reps:F1} ms wall, {cpu:F1} ms CPU per call (mean of {reps})");
    }
}
