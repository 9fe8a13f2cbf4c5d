using System.Text.Json;
using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vocoder;

namespace LatentAudio.Tests.Models;

public sealed class BenchModelsTests
{
    [Fact]
    public void BenchOnTheTinyModelReportsEveryStage()
    {
        using var m = new TinyModelFolder();
        var r = Cli.Run("bench-models", "--model", m.Path, "--runs", "1", "--threads", "1", "--json");
        Assert.True(r.Code == 0, r.Err);
        var j = JsonDocument.Parse(r.Out).RootElement;
        foreach (var stage in new[] { "encode", "decode", "vocoder" })
        {
            Assert.True(j.GetProperty($"{stage}_s").GetDouble() > 0);
            Assert.True(j.GetProperty($"{stage}_flops").GetDouble() > 0);
            // Each stage's GFLOP/s as a fraction of the FMA peak measured in the same run.
            double fraction = j.GetProperty($"{stage}_fraction_of_peak").GetDouble();
            Assert.True(fraction > 0 && double.IsFinite(fraction), $"{stage}: {fraction}");
            Assert.Equal(j.GetProperty($"{stage}_gflops_per_s").GetDouble() / j.GetProperty("fma_peak_gflops_per_s").GetDouble(), fraction, 12);
        }
        double peak = j.GetProperty("fma_peak_gflops_per_s").GetDouble();
        Assert.True(peak > 0 && double.IsFinite(peak), $"peak {peak}");
        Assert.Equal(1, j.GetProperty("fma_peak_threads").GetInt32());
        // ONNX Runtime's own MatMul rate from the same run, at the vocoder's largest convolution unrolled.
        double gemm = j.GetProperty("gemm_gflops_per_s").GetDouble();
        Assert.True(gemm > 0 && double.IsFinite(gemm), $"gemm {gemm}");
        Assert.Equal(gemm / peak, j.GetProperty("gemm_fraction_of_peak").GetDouble(), 12);
        Assert.Equal([512, 5632, 2048], j.GetProperty("gemm_shape").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.True(j.GetProperty("peak_working_set_bytes").GetInt64() > 0);
        // No reference timing given: nothing to compare, no speed-up of any kind.
        Assert.DoesNotContain(j.EnumerateObject(), p => p.Name.Contains("speedup") || p.Name.StartsWith("reference"));
    }

    [Fact]
    public void ThePathReconstructModeTimesReconstructsOwnStagesBesideTheNetworks()
    {
        using var m = new TinyModelFolder();
        var r = Cli.Run("bench-models", "--model", m.Path, "--runs", "1", "--threads", "1", "--path", "reconstruct", "--json");
        Assert.True(r.Code == 0, r.Err);
        var j = JsonDocument.Parse(r.Out).RootElement;
        foreach (var stage in new[] { "vae_encode", "vae_decode", "vocoder" })
        {
            Assert.True(j.GetProperty($"reconstruct_{stage}_s").GetDouble() > 0, stage);
            Assert.True(j.GetProperty($"reconstruct_{stage}_ratio").GetDouble() > 0, stage);
            Assert.True(j.GetProperty($"reconstruct_{stage}_cpu_s").GetDouble() > 0, stage);
            // The flag is exactly "a wall or cpu ratio over the limit".
            bool over = j.GetProperty($"reconstruct_{stage}_ratio").GetDouble() > 1.1 || j.GetProperty($"reconstruct_{stage}_cpu_ratio").GetDouble() > 1.1;
            Assert.Equal(over, j.GetProperty($"reconstruct_{stage}_over_limit").GetBoolean());
            Assert.True(j.GetProperty($"reconstruct_{stage}_min_ratio").GetDouble() > 0, stage);
        }
        Assert.Equal(1.1, j.GetProperty("reconstruct_ratio_limit").GetDouble());
        // The default reconstruct renders oracle_vocoder and vae_vocoder: two vocoder calls per run.
        Assert.Equal(2, j.GetProperty("reconstruct_vocoder_calls").GetInt32());
        Assert.Equal(1, j.GetProperty("reconstruct_vae_encode_calls").GetInt32());
    }

    [Fact]
    public void AnUnknownPathIsAUsageError()
    {
        var r = Cli.Run("bench-models", "--path", "elsewhere");
        Assert.Equal(2, r.Code);
        Assert.Contains("--path", r.Err);
    }

    [Fact]
    public void AnUnknownFamilyOrAFamilyWithAModelIsAUsageError()
    {
        var r = Cli.Run("bench-models", "--family", "99k");
        Assert.Equal(2, r.Code);
        Assert.Contains("unknown --family '99k' (16k, 48k)", r.Err);
        using var m = new TinyModelFolder();
        r = Cli.Run("bench-models", "--model", m.Path, "--family", "48k");
        Assert.Equal(2, r.Code);
        Assert.Contains("--family", r.Err);
    }

    [Fact]
    public void BenchLoadReportsEveryLoadAndFillsATemporaryCache()
    {
        using var m = new TinyModelFolder();
        var r = Cli.Run("bench-load", "--model", m.Path, "--threads", "1", "--json");
        Assert.True(r.Code == 0, r.Err);
        var j = JsonDocument.Parse(r.Out).RootElement;
        foreach (var key in new[] { "uncached_s", "cold_s", "warm_s", "key_sha256_s", "key_sha256_hashed_s", "read_check_s" })
            Assert.True(j.GetProperty(key).GetDouble() > 0, key);
        Assert.Equal(3, j.GetProperty("cache_entries").GetInt32());   // vae_encoder, vae_decoder, hifigan
        Assert.True(j.GetProperty("cache_bytes").GetInt64() > 0);
        // Run in-process (the test host is not the latentaudio executable): no fresh process to time.
        Assert.Equal(JsonValueKind.Null, j.GetProperty("fresh_process_s").ValueKind);
    }

    [Fact]
    public void VocoderFlopsMatchAHandCount()
    {
        // Tiny vocoder, T frames: conv_pre 2*64*64*7*T, then per stage ConvTranspose 2*Lin*Cin*Cout*k and
        // 3 resblocks x 3 dilations x 2 convs of 2*L*C*C*k, conv_post 2*L*C*7.
        var c = VocoderConfig.Load(TestPaths.Fixtures("models", "vocoder", "normalize_false", "model", "config.json"));
        int t = 10;
        var (_, graph) = HifiGanVocoder.BuildGraph(TestPaths.Fixtures("models", "vocoder", "normalize_false", "model"), t);
        double expected = 2.0 * 64 * 64 * 7 * t;
        long length = t, ch = c.UpsampleInitialChannel;
        for (int i = 0; i < c.UpsampleRates.Length; i++)
        {
            int k = c.UpsampleKernelSizes[i], u = c.UpsampleRates[i];
            expected += 2.0 * length * ch * (ch / 2) * k;
            length = (length - 1) * u - 2 * ((k - u) / 2) + k;
            ch /= 2;
            foreach (var rk in c.ResblockKernelSizes) expected += 3 * 2 * (2.0 * length * ch * ch * rk);
        }
        expected += 2.0 * length * ch * 7;
        Assert.Equal(160 * t + 32, length);
        Assert.Equal(expected, graph.Flops);
    }
}
