using System.Diagnostics;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vae;
using LatentAudio.Models.Vocoder;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Bench;

/// <summary>Timing of one stage: every run's seconds, their median and minimum, and the FLOPs of one run.</summary>
/// <remarks><see cref="CpuSeconds"/>: process CPU time per timed run (all threads); on a shared, oversubscribed
/// machine CPU seconds / threads is a better estimate of the unloaded wall time than the wall time itself.</remarks>
public sealed record StageTiming(string Name, double[] Seconds, double[] CpuSeconds, double Flops)
{
    public double Median
    {
        get
        {
            var s = Seconds.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
    }

    public double Min => Seconds.Min();
    public double MedianCpu => CpuSeconds.Order().ElementAt(CpuSeconds.Length / 2);
    public double RealTimeFactor(double audioSeconds) => Median / audioSeconds;
    public double GflopsPerSecond => Flops / Median / 1e9;
    /// <summary>The median's GFLOP/s as a fraction of the FMA loop's, both on the sessions' thread count.</summary>
    public double FractionOf(FmaPeakResult peak) => GflopsPerSecond / peak.GflopsPerSecond;
}

/// <param name="VaeConfig">The benchmarked configs: a PyTorch timing compares only with the full-size ones (<see cref="ReferenceComparison"/>).</param>
/// <param name="Peak">This machine's fp32 FMA peak on <paramref name="Threads"/> threads, measured in the same run.</param>
/// <param name="Gemm">ONNX Runtime's own fp32 matrix product on the same settings, measured in the same run (null when not measured).</param>
public sealed record ModelBenchmarkResult(string Model, int Frames, double AudioSeconds, int Threads, StageTiming Encode, StageTiming Decode, StageTiming Vocoder,
    double LoadSeconds, long PeakWorkingSetBytes, FmaPeakResult Peak, Config.VaeConfig VaeConfig, Config.VocoderConfig VocoderConfig,
    GemmCeilingResult? Gemm = null)
{
    public double TotalMedian => Encode.Median + Decode.Median + Vocoder.Median;
    public double TotalMin => Encode.Min + Decode.Min + Vocoder.Min;

    /// <summary>Stages whose median rate exceeds the measured peak. No stage can beat a machine's true peak, so any
    /// name here says the peak was under-measured (a busier machine during its 0.5 s, or a kernel the JIT compiled
    /// badly) and every %peak of the run is too high.</summary>
    public IReadOnlyList<string> StagesAbovePeak =>
        [.. new[] { Encode, Decode, Vocoder }.Where(s => s.FractionOf(Peak) > 1).Select(s => s.Name)];
}

/// <summary>Times encode, decode and vocode on a 10.24 s (1024-frame) log-mel: 1 warm-up, then <c>runs</c> timed calls each.</summary>
public static class ModelBenchmark
{
    public const int Frames = 1024;

    public static ModelBenchmarkResult Run(ModelLocation model, SessionSettings settings, int runs, Action<string>? progress = null) =>
        Run(model, settings, runs, Frames, progress);

    /// <summary>As above on <paramref name="frames"/> mel frames (a multiple of the VAE's factor): a shorter input for
    /// architectures too heavy to time on 10.24 s on a loaded machine. The PyTorch reference exists for 1024 frames only.</summary>
    public static ModelBenchmarkResult Run(ModelLocation model, SessionSettings settings, int runs, int frames, Action<string>? progress)
    {
        var load = Stopwatch.StartNew();
        // The vocoder first: its mel bins are the VAE's input width (64 at 16 kHz, 256 at 48 kHz), which the VAE's FLOP count needs.
        using var vocoder = HifiGanVocoder.Load(model, settings, trackFrames: frames);
        int mels = vocoder.Config.ModelInDim;
        using var vae = AutoencoderKl.Load(model, settings, trackFrames: frames, trackBins: mels);
        if (frames % vae.Downsample != 0) throw new InvalidInputException($"{frames} frames is not a multiple of the VAE's factor {vae.Downsample}");
        load.Stop();
        progress?.Invoke($"loaded in {load.Elapsed.TotalSeconds:0.0} s");
        // Measured here, between load and the stages, so the peak sees the same threads and about the same machine load.
        FmaPeakResult MeasurePeak() => FmaPeak.Measure(settings.Threads, FmaPeak.BenchmarkWindow, FmaPeak.BenchmarkWindows);
        var peak = MeasurePeak();
        progress?.Invoke($"fp32 FMA peak: {peak.GflopsPerSecond:0} GFLOP/s on {peak.Threads} threads ({peak.Kernel}, best of {peak.Windows} x {peak.WindowSeconds:0.0} s)");
        var rng = new Random(1);
        // A log-mel-like input (natural-log magnitudes around -5); the values do not change the speed.
        var mel = new Tensor(Enumerable.Range(0, frames * mels).Select(_ => (float)(-5 + 2 * (rng.NextDouble() * 2 - 1))).ToArray(), 1, vae.Config.InChannels, frames, mels);
        Tensor mean = null!, decoded = null!;
        var encode = Time("encode", runs, () => mean = vae.Encode(mel).Mean, progress);
        var decode = Time("decode", runs, () => decoded = vae.Decode(mean), progress);
        var vocMel = decoded.Reshape(1, decoded.Shape[2], decoded.Shape[3]);
        var vocode = Time("vocoder", runs, () => vocoder.Vocode(vocMel), progress);
        // Read before the MatMul below allocates its operands, so the figure stays the model's.
        long peakWorkingSet = Process.GetCurrentProcess().PeakWorkingSet64;
        // Again after the stages, the best of both kept: on a VM whose speed drifts from minute to minute, a peak
        // measured only before the stages can fall in a slower minute than they ran in (seen 2026-12-06: a vocoder
        // call at 87 % of a peak measured minutes earlier).
        peak = peak.Best(MeasurePeak());
        var gemm = GemmCeiling.Measure(settings);
        progress?.Invoke($"ONNX Runtime fp32 MatMul: {gemm.GflopsPerSecond:0} GFLOP/s ({gemm.M}x{gemm.K} @ {gemm.K}x{gemm.N}, best of {gemm.Runs})");
        double audioSeconds = (double)frames * vocoder.Config.HopLength / vocoder.SampleRate;
        return new ModelBenchmarkResult(model.Id, frames, audioSeconds, settings.Threads,
            new StageTiming("encode", encode.Wall, encode.Cpu, vae.EncoderFlops),
            new StageTiming("decode", decode.Wall, decode.Cpu, vae.DecoderFlops),
            new StageTiming("vocoder", vocode.Wall, vocode.Cpu, vocoder.Flops),
            load.Elapsed.TotalSeconds, peakWorkingSet, peak, vae.Config, vocoder.Config, gemm);
    }

    private static (double[] Wall, double[] Cpu) Time(string name, int runs, Action run, Action<string>? progress)
    {
        run();
        var seconds = new double[runs];
        var cpu = new double[runs];
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            run();
            seconds[i] = sw.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpu0).TotalSeconds;
        }
        progress?.Invoke($"{name}: wall {string.Join(" ", seconds.Select(s => s.ToString("0.000")))} s, cpu {string.Join(" ", cpu.Select(s => s.ToString("0.000")))} s");
        return (seconds, cpu);
    }
}
