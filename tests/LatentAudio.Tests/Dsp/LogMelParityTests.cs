using LatentAudio.Dsp;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Dsp;

/// <summary>
/// Our log-mel against the Python reference (golden mel/ files; tolerances from golden README "Tolerances" and
/// issue 2: log domain max 3e-3, mean 2e-4; the STFT input waveform 1e-6).
/// </summary>
public class LogMelParityTests(ITestOutputHelper output)
{
    private const double MaxTolerance = 3e-3, MeanTolerance = 2e-4;
    private static readonly AudioLdmFrontEnd FrontEnd = new(MelConfig.AudioLdm16k);

    [Theory]
    [InlineData("speech_libri1", 1025)]
    [InlineData("music_brahms", 1025)]
    [InlineData("music_vibeace", 1025)]
    [InlineData("env_robin", 270)]
    [InlineData("env_humpback", 1025)]
    [InlineData("instrument_trumpet", 534)]
    [InlineData("synth_sine440", 1025)]
    [InlineData("synth_noise_seed0", 1025)]
    [InlineData("synth_silence", 1025)]
    public void MelRawMatchesGolden(string stem, int frames)
    {
        var golden = GoldenMel.Npy(stem + ".mel_raw.npy");
        var ours = new LogMelSpectrogram(MelConfig.AudioLdm16k).Compute(GoldenMel.Input(stem).Channel(0));
        Assert.Equal([frames, 64], golden.Shape);
        Assert.Equal(golden.Shape, ours.Shape);
        var (max, mean) = GoldenMel.Errors(ours.Data, golden.Data);
        output.WriteLine($"mel_raw {stem}: max {max:E2} mean {mean:E2}");
        Assert.True(max <= MaxTolerance && mean <= MeanTolerance, $"{stem}: max {max:E3}, mean {mean:E3}");
    }

    [Theory]
    [InlineData("speech_libri1")]
    [InlineData("music_brahms")]
    [InlineData("music_vibeace")]
    [InlineData("env_robin")]
    [InlineData("env_humpback")]
    [InlineData("instrument_trumpet")]
    [InlineData("synth_sine440")]
    [InlineData("synth_noise_seed0")]
    public void ReferenceFbankMatchesGolden(string stem)
    {
        var golden = GoldenMel.Npy(stem + ".fbank.npy");
        var ours = FrontEnd.ReferenceFbank(GoldenMel.Input(stem));
        Assert.Equal([1024, 64], golden.Shape);
        Assert.Equal(golden.Shape, ours.Shape);
        var (max, mean) = GoldenMel.Errors(ours.Data, golden.Data);
        var (max0, _) = GoldenMel.Errors(ours.Data.AsSpan(0, 64), golden.Data.AsSpan(0, 64));
        var (maxRest, _) = GoldenMel.Errors(ours.Data.AsSpan(64), golden.Data.AsSpan(64));
        output.WriteLine($"fbank {stem}: max {max:E2} mean {mean:E2} (frame 0: {max0:E2}, frames 1..: {maxRest:E2})");
        Assert.True(maxRest <= MaxTolerance && mean <= MeanTolerance, $"{stem}: max {maxRest:E3}, mean {mean:E3}");
        // env_humpback has a DC offset of 0.355 that starts the normalised clip at a constant -0.39: frame 0 is that
        // DC plus a faint signal, and the reference's float32 conv1d rounding (not ours: a float64 conv with the
        // golden basis agrees with us to 2e-4) moves its near-silent bins by up to 4.4e-3. The golden README's
        // acceptance for a float32 port, max 5e-3, applies to that frame.
        Assert.True(max0 <= (stem == "env_humpback" ? 5e-3 : MaxTolerance), $"{stem} frame 0: max {max0:E3}");
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
        Assert.True(max <= 1e-6, $"{stem}: max {max:E3}");
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
