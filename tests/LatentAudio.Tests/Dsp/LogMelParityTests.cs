using LatentAudio.Dsp;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Dsp;

/// <summary>
/// Our log-mel against the Python reference (golden mel/ files). Acceptance from golden README "Tolerances" and
/// issue 2: log domain max 3e-3, mean 2e-4 (the STFT input waveform 1e-6). Per signal, the tolerances are 10x the
/// error measured on 2026-12-04 (the max and mean printed by each case), never below the reference's own spread for
/// that signal in shared/golden/tolerances.json (the largest of threads 1 vs 2, netlib vs OpenBLAS, and the float64 /
/// torch.stft recomputations: 9.5e-7 max where a signal has no recomputation entry) and never above the acceptance.
/// </summary>
public class LogMelParityTests(ITestOutputHelper output)
{
    private const double MaxTolerance = 3e-3, MeanTolerance = 2e-4;
    private static readonly AudioLdmFrontEnd FrontEnd = new(MelConfig.AudioLdm16k);

    // max / mean measured -> tolerance (at the 3e-3 / 2e-4 acceptance where 10x would exceed it):
    // speech_libri1 5.48e-4 / 7.30e-7 -> 3e-3 / 1e-5; music_brahms 5.25e-6 / 2.05e-7 -> 6e-5 / 2.5e-6 (floor 1.8e-5 /
    // 2.8e-7); music_vibeace 1.31e-4 / 2.51e-6 -> 1.5e-3 / 3e-5; env_robin 2.66e-4 / 2.77e-6 -> 3e-3 / 3e-5;
    // env_humpback 3.24e-5 / 9.21e-7 -> 4e-4 / 1e-5; instrument_trumpet 5.44e-4 / 1.84e-6 -> 3e-3 / 2e-5;
    // synth_sine440 1.94e-3 / 6.97e-5 -> 3e-3 / 2e-4; synth_noise_seed0 1.19e-6 / 1.57e-7 -> 1.5e-5 / 2e-6 (floor
    // 1.19e-6 / 1.65e-7); synth_silence 0 / 0 -> 1e-6 / 1e-6 (floor 9.5e-7).
    [Theory]
    [InlineData("speech_libri1", 1025, 3e-3, 1e-5)]
    [InlineData("music_brahms", 1025, 6e-5, 2.5e-6)]
    [InlineData("music_vibeace", 1025, 1.5e-3, 3e-5)]
    [InlineData("env_robin", 270, 3e-3, 3e-5)]
    [InlineData("env_humpback", 1025, 4e-4, 1e-5)]
    [InlineData("instrument_trumpet", 534, 3e-3, 2e-5)]
    [InlineData("synth_sine440", 1025, 3e-3, 2e-4)]
    [InlineData("synth_noise_seed0", 1025, 1.5e-5, 2e-6)]
    [InlineData("synth_silence", 1025, 1e-6, 1e-6)]
    public void MelRawMatchesGolden(string stem, int frames, double maxTolerance, double meanTolerance)
    {
        Assert.InRange(maxTolerance, 0, MaxTolerance);
        Assert.InRange(meanTolerance, 0, MeanTolerance);
        var golden = GoldenMel.Npy(stem + ".mel_raw.npy");
        var ours = new LogMelSpectrogram(MelConfig.AudioLdm16k).Compute(GoldenMel.Input(stem).Channel(0));
        Assert.Equal([frames, 64], golden.Shape);
        Assert.Equal(golden.Shape, ours.Shape);
        var (max, mean) = GoldenMel.Errors(ours.Data, golden.Data);
        output.WriteLine($"mel_raw {stem}: max {max:E2} mean {mean:E2}");
        Assert.True(max <= maxTolerance && mean <= meanTolerance, $"{stem}: max {max:E3}, mean {mean:E3}");
    }

    // max (all frames but humpback's frame 0) / mean measured -> tolerance:
    // speech_libri1 2.38e-4 / 5.96e-7 -> 2.5e-3 / 6e-6; music_brahms 4.77e-6 / 2.06e-7 -> 5e-5 / 2.5e-6 (floor 1.8e-5 /
    // 2.8e-7); music_vibeace 1.42e-4 / 2.39e-6 -> 1.5e-3 / 2.5e-5; env_robin 2.99e-4 / 7.22e-7 -> 3e-3 / 8e-6;
    // env_humpback 4.05e-4 / 7.30e-7 -> 3e-3 / 8e-6; instrument_trumpet 4.84e-4 / 9.83e-7 -> 3e-3 / 1e-5;
    // synth_sine440 1.53e-3 / 6.64e-5 -> 3e-3 / 2e-4; synth_noise_seed0 1.19e-6 / 1.74e-7 -> 1.5e-5 / 2e-6 (floor
    // 1.19e-6 / 1.65e-7).
    [Theory]
    [InlineData("speech_libri1", 2.5e-3, 6e-6)]
    [InlineData("music_brahms", 5e-5, 2.5e-6)]
    [InlineData("music_vibeace", 1.5e-3, 2.5e-5)]
    [InlineData("env_robin", 3e-3, 8e-6)]
    [InlineData("env_humpback", 3e-3, 8e-6)]
    [InlineData("instrument_trumpet", 3e-3, 1e-5)]
    [InlineData("synth_sine440", 3e-3, 2e-4)]
    [InlineData("synth_noise_seed0", 1.5e-5, 2e-6)]
    public void ReferenceFbankMatchesGolden(string stem, double maxTolerance, double meanTolerance)
    {
        Assert.InRange(maxTolerance, 0, MaxTolerance);
        Assert.InRange(meanTolerance, 0, MeanTolerance);
        var golden = GoldenMel.Npy(stem + ".fbank.npy");
        var ours = FrontEnd.ReferenceFbank(GoldenMel.Input(stem));
        Assert.Equal([1024, 64], golden.Shape);
        Assert.Equal(golden.Shape, ours.Shape);
        var (max, mean) = GoldenMel.Errors(ours.Data, golden.Data);
        var (max0, _) = GoldenMel.Errors(ours.Data.AsSpan(0, 64), golden.Data.AsSpan(0, 64));
        var (maxRest, _) = GoldenMel.Errors(ours.Data.AsSpan(64), golden.Data.AsSpan(64));
        output.WriteLine($"fbank {stem}: max {max:E2} mean {mean:E2} (frame 0: {max0:E2}, frames 1..: {maxRest:E2})");
        Assert.True(maxRest <= maxTolerance && mean <= meanTolerance, $"{stem}: max {maxRest:E3}, mean {mean:E3}");
        // env_humpback has a DC offset of 0.355 that starts the normalised clip at a constant -0.39: frame 0 is that
        // DC plus a faint signal, and the reference's float32 conv1d rounding (not ours: a float64 conv with the
        // golden basis agrees with us to 2e-4) moves its near-silent bins by up to 4.4e-3. The golden README's
        // acceptance for a float32 port, max 5e-3, applies to that frame (measured 4.38e-3).
        Assert.True(max0 <= (stem == "env_humpback" ? 5e-3 : maxTolerance), $"{stem} frame 0: max {max0:E3}");
    }

    [Theory]
    [InlineData("speech_libri1", "speech_libri1.stft_input.head32768.npy")]
    [InlineData("music_brahms", "music_brahms.stft_input.head32768.npy")]
    [InlineData("env_robin", "env_robin.stft_input.npy")]
    [InlineData("synth_sine440", "synth_sine440.stft_input.head32768.npy")]
    [InlineData("synth_noise_seed0", "synth_noise_seed0.stft_input.head32768.npy")]
    public void ReferenceWaveformMatchesGoldenStftInput(string stem, string goldenFile)
    {
        // The head32768 fixtures are the first 32768 of the 163840 golden samples (mean and peak are whole-file
        // quantities, so a prefix checks them as well as the whole would); env_robin's is complete (padding included).
        var golden = GoldenMel.Npy(goldenFile);
        var ours = FrontEnd.ReferenceWaveform(GoldenMel.Input(stem));
        Assert.Equal(163840, ours.Length);
        var (max, _) = GoldenMel.Errors(ours.AsSpan(0, golden.Data.Length), golden.Data);
        output.WriteLine($"stft_input {stem}: max {max:E2}");
        // Measured on 2026-12-04: 0 (libri1, brahms, robin), 5.96e-8 = one float32 ulp at 0.5 (sine, noise); tolerance
        // 10x (was 1e-6). tolerances.json has no spread for this array.
        Assert.True(max <= 6e-7, $"{stem}: max {max:E3}");
        Assert.Equal(0.5f, ours.Max(Math.Abs));
    }

    [Fact]
    public void SilenceGivesTheFloorNotNaN()
    {
        float floor = (float)Math.Log(1e-5);
        var fbank = FrontEnd.ReferenceFbank(GoldenMel.Input("synth_silence"));
        Assert.Equal([1024, 64], fbank.Shape);
        Assert.All(fbank.Data, v => Assert.Equal(floor, v));
        var normalized = FrontEnd.Normalize(new float[5000]);
        Assert.All(normalized.Samples, v => Assert.Equal(0f, v));
        Assert.All(FrontEnd.LogMel(normalized.Samples).Data, v => Assert.Equal(floor, v));
    }
}
