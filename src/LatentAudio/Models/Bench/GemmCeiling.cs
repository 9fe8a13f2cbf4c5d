using System.Diagnostics;
using LatentAudio.Models.Onnx;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Bench;

/// <summary>ONNX Runtime's own fp32 matrix product on the sessions' settings: the best run's GFLOP/s.</summary>
/// <param name="M">Rows of the weight (output channels).</param>
/// <param name="K">Shared dimension (input channels x kernel taps).</param>
/// <param name="N">Columns (time steps).</param>
/// <param name="Runs">Timed runs after one warm-up; the best is kept, as for <see cref="FmaPeakResult"/>.</param>
public sealed record GemmCeilingResult(double GflopsPerSecond, int M, int K, int N, int Runs)
{
    public double Flops => 2.0 * M * K * N;
    public double FractionOf(FmaPeakResult peak) => GflopsPerSecond / peak.GflopsPerSecond;
}

/// <summary>
/// What ONNX Runtime's best fp32 kernel reaches on this machine, to read the stages' %peak against: one MatMul at the
/// shape of the vocoder's largest convolutions unrolled (im2col: 512 output channels, 512 input channels x 11 taps),
/// on 2048 time steps so the operands stay small (11.5 MB weight, 46 MB input). ONNX Runtime's CPU MatMul runs
/// MLAS's SGEMM, the kernel its non-blocked Conv runs after im2col. The FMA loop bounds what the core can do; this
/// bounds what the library we run on does with it: a stage near this rate is as fast as ONNX Runtime goes here,
/// whatever its %peak.
/// </summary>
public static class GemmCeiling
{
    public const int BenchmarkM = 512, BenchmarkK = 512 * 11, BenchmarkN = 2048, BenchmarkRuns = 5;

    public static GemmCeilingResult Measure(SessionSettings settings, int m = BenchmarkM, int k = BenchmarkK, int n = BenchmarkN, int runs = BenchmarkRuns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var rng = new Random(1);
        float[] Values(long count)
        {
            var a = new float[count];
            for (long i = 0; i < count; i++) a[i] = (float)(rng.NextDouble() - 0.5); // the values do not change the speed
            return a;
        }
        var g = new GraphBuilder("gemm_ceiling");
        var x = g.Input("x", Dim.Fixed(k), Dim.Fixed(n));
        var w = g.Floats("w", Values((long)m * k), m, k);
        var y = g.MatMul("y", w, x);
        g.Output(y, Dim.Fixed(m), Dim.Fixed(n));
        using var network = new OnnxNetwork(g.ToModel(), settings);
        var input = new Tensor(Values((long)k * n), k, n);
        network.Run("x", input);
        double best = double.MaxValue;
        for (int r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            network.Run("x", input);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        var shape = new GemmCeilingResult(0, m, k, n, runs);
        return shape with { GflopsPerSecond = shape.Flops / best / 1e9 };
    }
}
