using System.Text.Json;
using LatentAudio.Models.Bench;
using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;

namespace LatentAudio.Tests.Models;

/// <summary>bench-models' peak and its PyTorch comparison (issue 15 item 3): the peak is measured, the speed-up is
/// printed only against a given timing file and only for the full-size architecture.</summary>
public sealed class HonestBenchmarkTests
{
    private static string FullSizeTiming => TestPaths.Fixtures("models", "fullsize", "python_reference_timing.json");

    [Fact]
    public void TheFmaPeakIsAPositiveFiniteRate()
    {
        var p = FmaPeak.Measure(threads: 1, TimeSpan.FromMilliseconds(20), windows: 2);
        Assert.True(p.GflopsPerSecond > 0 && double.IsFinite(p.GflopsPerSecond), $"{p.GflopsPerSecond}");
        Assert.Equal(1, p.Threads);
        Assert.Equal(FmaPeak.Kernel, p.Kernel);
        Assert.Equal(2, p.Windows);
    }

    [Fact]
    public void TwoPeakMeasurementsKeepTheBetterWindowAndCountAllWindows()
    {
        var before = new FmaPeakResult(50, 2, "k", 5, 0.1, CpuGflopsPerSecond: 40);
        var after = new FmaPeakResult(70, 2, "k", 5, 0.1, CpuGflopsPerSecond: 60);
        foreach (var best in new[] { before.Best(after), after.Best(before) })
        {
            Assert.Equal(70, best.GflopsPerSecond);
            Assert.Equal(10, best.Windows);
            Assert.Equal(50, best.CpuGflopsPerSecond, 12);
            Assert.Equal((2, "k", 0.1), (best.Threads, best.Kernel, best.WindowSeconds));
        }
        Assert.Throws<ArgumentException>(() => before.Best(after with { Threads = 1 }));
        Assert.Throws<ArgumentException>(() => before.Best(after with { Kernel = "other" }));
    }

    [Fact]
    public void TheMatMulCeilingTimesTheShapeItNames()
    {
        var g = GemmCeiling.Measure(SessionSettings.Default with { IntraOpThreads = 1 }, m: 64, k: 96, n: 128, runs: 2);
        Assert.True(g.GflopsPerSecond > 0 && double.IsFinite(g.GflopsPerSecond), $"{g.GflopsPerSecond}");
        Assert.Equal((64, 96, 128, 2), (g.M, g.K, g.N, g.Runs));
        Assert.Equal(2.0 * 64 * 96 * 128, g.Flops);
        Assert.Equal(g.GflopsPerSecond / 50, g.FractionOf(new FmaPeakResult(50, 1, "test", 1, 0.1)), 12);
    }

    [Fact]
    public void AStageAboveTheMeasuredPeakIsNamed()
    {
        // Stages of 1e9 FLOPs, median of runs [s, 1.5 s]: encode 1.25 s (0.8 GFLOP/s), decode 2.5 s (0.4), vocoder 5 s (0.2).
        var r = FullSizeResult(threads: 2);
        Assert.Empty(r.StagesAbovePeak);
        var low = r with { Peak = new FmaPeakResult(0.3, 2, "test", 1, 0.1) };
        Assert.Equal(["encode", "decode"], low.StagesAbovePeak);
        Assert.Equal(0.2 / 0.3, r.Vocoder.FractionOf(low.Peak), 12);
    }

    [Fact]
    public void TheFullSizeConfigsAreWhatTheConfigJsonReads()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("vae.json"), FullSizeModel.VaeConfigJson);
        File.WriteAllText(dir.File("vocoder.json"), FullSizeModel.VocoderConfigJson);
        Assert.Null(FullSizeModel.Difference(VaeConfig.Load(dir.File("vae.json")), VocoderConfig.Load(dir.File("vocoder.json"))));
    }

    [Fact]
    public void ATinyModelWithAReferenceTimingPrintsWhyThereIsNoSpeedup()
    {
        using var m = new TinyModelFolder();
        var text = Cli.Run("bench-models", "--model", m.Path, "--runs", "1", "--threads", "1", "--reference-timing", FullSizeTiming);
        Assert.True(text.Code == 0, text.Err);
        var line = Assert.Single(text.Out.Split('\n'), l => l.StartsWith("no speed-up against"));
        Assert.Contains(FullSizeTiming, line);
        Assert.Contains("not the full-size cvssp/audioldm2 architecture", line);
        Assert.Contains("BlockOutChannels", line);
        Assert.DoesNotContain("speed-up ", text.Out.Replace(line, ""));

        var json = Cli.Run("bench-models", "--model", m.Path, "--runs", "1", "--threads", "1", "--reference-timing", FullSizeTiming, "--json");
        Assert.True(json.Code == 0, json.Err);
        var j = JsonDocument.Parse(json.Out).RootElement;
        Assert.Contains("not the full-size", j.GetProperty("reference_not_compared").GetString());
        Assert.DoesNotContain(j.EnumerateObject(), p => p.Name.Contains("speedup"));
    }

    [Fact]
    public void TheFullSizeArchitectureWithATimingFileGivesTheRatio()
    {
        var reference = ReferenceTiming.Load(FullSizeTiming);
        var c = ReferenceComparison.Of(FullSizeResult(threads: 2), reference);
        Assert.True(c.Compared, c.NotComparedBecause);
        // Reference min / our min (1.0, 2.0 and 4.0 s below).
        Assert.Equal(2.4361260320001747 / 1.0, c.Stages.Single(s => s.Name == "encode").Speedup, 12);
        Assert.Equal(4.288296575000004 / 2.0, c.Stages.Single(s => s.Name == "decode").Speedup, 12);
        Assert.Equal(8.303138480999678 / 4.0, c.Stages.Single(s => s.Name == "vocoder").Speedup, 12);
        Assert.Equal((2.4361260320001747 + 4.288296575000004 + 8.303138480999678) / 7.0, c.TotalSpeedup, 12);
    }

    [Fact]
    public void ADifferentThreadCountOrArchitectureGivesNoRatio()
    {
        var reference = ReferenceTiming.Load(FullSizeTiming);
        var threads = ReferenceComparison.Of(FullSizeResult(threads: 1), reference);
        Assert.False(threads.Compared);
        Assert.Empty(threads.Stages);
        Assert.Equal("the reference ran on 2 torch threads, the benchmark on 1", threads.NotComparedBecause);

        var smaller = FullSizeResult(threads: 2) with { VocoderConfig = FullSizeModel.Vocoder with { UpsampleInitialChannel = 512 } };
        var arch = ReferenceComparison.Of(smaller, reference);
        Assert.False(arch.Compared);
        Assert.Contains("vocoder UpsampleInitialChannel differ", arch.NotComparedBecause);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{"frames": 1024, "torch_num_threads": 2, "decode_s": 1, "vocoder_s": 1}""", "missing 'encode_s'")]
    [InlineData("""{"frames": 1024, "torch_num_threads": 2, "encode_s": -1, "decode_s": 1, "vocoder_s": 1}""", "'encode_s' must be a positive number")]
    [InlineData("""[1, 2]""", "a JSON object")]
    public void AMalformedTimingFileIsOneLineNamingItAndExit2(string content, string problem)
    {
        using var dir = new TestPaths.TempDir();
        var file = dir.File("timing.json");
        File.WriteAllText(file, content);
        // A tiny model folder that does not exist either way: the file is read before anything else runs.
        var r = Cli.Run("bench-models", "--model", dir.File("no-model"), "--reference-timing", file);
        Assert.Equal(2, r.Code);
        var line = Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(file, line);
        Assert.Contains(problem, line);
        Assert.Empty(r.Out);
    }

    private static ModelBenchmarkResult FullSizeResult(int threads)
    {
        static StageTiming Stage(string name, double seconds) => new(name, [seconds, seconds * 1.5], [seconds, seconds], 1e9);
        return new ModelBenchmarkResult("full-size config", ModelBenchmark.Frames, 10.24, threads,
            Stage("encode", 1.0), Stage("decode", 2.0), Stage("vocoder", 4.0), 1.0, 1, new FmaPeakResult(100, threads, "test", 1, 0.1),
            FullSizeModel.Vae, FullSizeModel.Vocoder);
    }
}
