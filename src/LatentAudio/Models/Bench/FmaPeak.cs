using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LatentAudio.Models.Bench;

/// <summary>The machine's measured fp32 multiply-add peak: the best window's GFLOP/s over all threads.</summary>
/// <param name="Kernel">Which instructions ran (AVX-512F FMA, FMA3 on 256 bits, or Vector&lt;float&gt; multiply + add).</param>
/// <param name="Windows">How many windows were timed; the best is kept, since a shared machine only ever lowers a window.</param>
/// <param name="CpuGflopsPerSecond">All windows' FLOPs / process CPU seconds x threads: the rate with a core per thread,
/// which an oversubscribed machine lowers far less than the wall rate (compare with the stages' cpu_s).</param>
public sealed record FmaPeakResult(double GflopsPerSecond, int Threads, string Kernel, int Windows, double WindowSeconds, double CpuGflopsPerSecond = double.NaN)
{
    /// <summary>Both measurements as one: the better window of either, all windows counted, the CPU rate weighted by
    /// windows. A machine whose speed drifts between minutes (a shared VM) is under-measured by a peak taken once.</summary>
    public FmaPeakResult Best(FmaPeakResult other)
    {
        if (other.Threads != Threads || other.Kernel != Kernel || other.WindowSeconds != WindowSeconds)
            throw new ArgumentException("peaks measured on other threads, kernels or windows do not combine", nameof(other));
        double cpu = (CpuGflopsPerSecond * Windows + other.CpuGflopsPerSecond * other.Windows) / (Windows + other.Windows);
        return this with { GflopsPerSecond = Math.Max(GflopsPerSecond, other.GflopsPerSecond), Windows = Windows + other.Windows, CpuGflopsPerSecond = cpu };
    }
}

/// <summary>
/// Measures the fp32 peak the sessions could reach: a multiply-add loop on <c>threads</c> threads (the sessions'
/// intra-op count), each thread with 12 independent accumulators. 12 covers latency x FMA ports on the cores we
/// run on (Skylake-X and Zen 4: 4 cycles x 2 ports = 8; Haswell: 5 x 2 = 10; Agner Fog, instruction_tables.pdf)
/// while 12 + 2 constants still fit the 16 ymm registers of AVX2, so nothing spills. Counted as 2 FLOPs per lane
/// per multiply-add, as the graphs' FLOPs count a multiply-accumulate.
/// </summary>
public static class FmaPeak
{
    /// <summary>What <see cref="ModelBenchmark"/> runs: 5 windows of 0.1 s (0.5 s in all).</summary>
    public const int BenchmarkWindows = 5;
    public static readonly TimeSpan BenchmarkWindow = TimeSpan.FromMilliseconds(100);

    private const int Accumulators = 12;
    // Iterations per block between clock reads: 12 x 1024 multiply-adds, a few microseconds, so the clock and the
    // block's call cost nothing.
    private const int Inner = 1024;

    public static string Kernel =>
        Avx512F.IsSupported ? "AVX-512F FusedMultiplyAdd (16 lanes)"
        : Fma.IsSupported ? "FMA3 MultiplyAdd (8 lanes)"
        : $"Vector<float> multiply + add ({Vector<float>.Count} lanes)";

    public static FmaPeakResult Measure(int threads, TimeSpan window, int windows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        double best = 0, flops = 0, cpu = 0;
        using var process = Process.GetCurrentProcess();
        for (int w = 0; w < windows; w++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var (f, seconds) = OneWindow(threads, window);
            process.Refresh();
            cpu += (process.TotalProcessorTime - cpu0).TotalSeconds;
            flops += f;
            best = Math.Max(best, f / seconds);
        }
        return new FmaPeakResult(best / 1e9, threads, Kernel, windows, window.TotalSeconds, cpu > 0 ? flops / cpu * threads / 1e9 : double.NaN);
    }

    /// <summary>FLOP/s of all threads together: each runs until the shared deadline; the wall time includes their start and join.</summary>
    private static (double Flops, double Seconds) OneWindow(int threads, TimeSpan window)
    {
        var flops = new long[threads];
        var sums = new float[threads];
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(window.TotalSeconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, threads).Select(i => new Thread(() => (flops[i], sums[i]) = Loop(deadline)) { IsBackground = true }).ToArray();
        foreach (var t in workers) t.Start();
        foreach (var t in workers) t.Join();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        // The sums keep the loops' results alive; they converge to 1 (c = 0.999 c + 0.001), never overflow or go denormal.
        if (sums.Any(s => !float.IsFinite(s))) throw new InvalidOperationException("the FMA loop diverged");
        return (flops.Sum(), seconds);
    }

    private static (long Flops, float Sum) Loop(long deadline)
    {
        // The clock is read between blocks, outside the kernels: a call inside a kernel's loop makes the JIT keep
        // every accumulator in memory across it (caller-saved vector registers), and the stores that adds halved the
        // measured peak (seen on Zen 1: 13 GFLOP/s per core against 38 from the same loop in C).
        Func<float> block = Avx512F.IsSupported ? Avx512Block : Fma.IsSupported ? Fma256Block : VectorBlock;
        int flopsPerBlock = Inner * Accumulators * 2 * (Avx512F.IsSupported ? 16 : Fma.IsSupported ? 8 : Vector<float>.Count);
        long blocks = 0;
        float sum = 0;
        do
        {
            sum += block();
            blocks++;
        } while (Stopwatch.GetTimestamp() < deadline);
        return (blocks * flopsPerBlock, sum / blocks);
    }

    // AggressiveOptimization: straight to optimised code, so no window is spent in tier-0 code that spills the accumulators.
    // NoInlining: the block stays a leaf function, so its 12 accumulators + 2 constants live in registers.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Avx512Block()
    {
        var m = Vector512.Create(0.999f);
        var a = Vector512.Create(0.001f);
        // Distinct starting values, so no two accumulators are the same computation.
        Vector512<float> c0 = Vector512.Create(0.00f), c1 = Vector512.Create(0.01f), c2 = Vector512.Create(0.02f), c3 = Vector512.Create(0.03f),
            c4 = Vector512.Create(0.04f), c5 = Vector512.Create(0.05f), c6 = Vector512.Create(0.06f), c7 = Vector512.Create(0.07f),
            c8 = Vector512.Create(0.08f), c9 = Vector512.Create(0.09f), c10 = Vector512.Create(0.10f), c11 = Vector512.Create(0.11f);
        for (int i = 0; i < Inner; i++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, m, a); c1 = Avx512F.FusedMultiplyAdd(c1, m, a); c2 = Avx512F.FusedMultiplyAdd(c2, m, a);
            c3 = Avx512F.FusedMultiplyAdd(c3, m, a); c4 = Avx512F.FusedMultiplyAdd(c4, m, a); c5 = Avx512F.FusedMultiplyAdd(c5, m, a);
            c6 = Avx512F.FusedMultiplyAdd(c6, m, a); c7 = Avx512F.FusedMultiplyAdd(c7, m, a); c8 = Avx512F.FusedMultiplyAdd(c8, m, a);
            c9 = Avx512F.FusedMultiplyAdd(c9, m, a); c10 = Avx512F.FusedMultiplyAdd(c10, m, a); c11 = Avx512F.FusedMultiplyAdd(c11, m, a);
        }
        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector512.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float Fma256Block()
    {
        var m = Vector256.Create(0.999f);
        var a = Vector256.Create(0.001f);
        Vector256<float> c0 = Vector256.Create(0.00f), c1 = Vector256.Create(0.01f), c2 = Vector256.Create(0.02f), c3 = Vector256.Create(0.03f),
            c4 = Vector256.Create(0.04f), c5 = Vector256.Create(0.05f), c6 = Vector256.Create(0.06f), c7 = Vector256.Create(0.07f),
            c8 = Vector256.Create(0.08f), c9 = Vector256.Create(0.09f), c10 = Vector256.Create(0.10f), c11 = Vector256.Create(0.11f);
        for (int i = 0; i < Inner; i++)
        {
            c0 = Fma.MultiplyAdd(c0, m, a); c1 = Fma.MultiplyAdd(c1, m, a); c2 = Fma.MultiplyAdd(c2, m, a);
            c3 = Fma.MultiplyAdd(c3, m, a); c4 = Fma.MultiplyAdd(c4, m, a); c5 = Fma.MultiplyAdd(c5, m, a);
            c6 = Fma.MultiplyAdd(c6, m, a); c7 = Fma.MultiplyAdd(c7, m, a); c8 = Fma.MultiplyAdd(c8, m, a);
            c9 = Fma.MultiplyAdd(c9, m, a); c10 = Fma.MultiplyAdd(c10, m, a); c11 = Fma.MultiplyAdd(c11, m, a);
        }
        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector256.Sum(sum);
    }

    /// <summary>Without FMA instructions (e.g. ARM, where the JIT may still fuse): a multiply and an add, 2 FLOPs per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static float VectorBlock()
    {
        var m = new Vector<float>(0.999f);
        var a = new Vector<float>(0.001f);
        Vector<float> c0 = new(0.00f), c1 = new(0.01f), c2 = new(0.02f), c3 = new(0.03f), c4 = new(0.04f), c5 = new(0.05f),
            c6 = new(0.06f), c7 = new(0.07f), c8 = new(0.08f), c9 = new(0.09f), c10 = new(0.10f), c11 = new(0.11f);
        for (int i = 0; i < Inner; i++)
        {
            c0 = c0 * m + a; c1 = c1 * m + a; c2 = c2 * m + a; c3 = c3 * m + a; c4 = c4 * m + a; c5 = c5 * m + a;
            c6 = c6 * m + a; c7 = c7 * m + a; c8 = c8 * m + a; c9 = c9 * m + a; c10 = c10 * m + a; c11 = c11 * m + a;
        }
        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector.Sum(sum);
    }
}
