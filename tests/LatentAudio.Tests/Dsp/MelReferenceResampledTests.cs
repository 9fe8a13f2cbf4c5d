using LatentAudio.Audio;
using LatentAudio.Tensors;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Dsp;

/// <summary>
/// <c>mel --reference</c> on files that are not at 16 kHz. The golden data has no AudioLDM2 <c>wav_to_fbank</c> of a
/// non-16 kHz file, so the reference here is composed from two golden-tested halves: torchaudio's own resampled
/// waveform (golden resample outputs) written as a 16 kHz file and run through the same <c>mel --reference</c>
/// (whose 16 kHz path is tested against the golden fbanks in <see cref="MelCommandTests"/>). What remains is the
/// resampling inside <c>mel --reference</c> and AudioLDM2's channel rule (resample every channel, keep channel 0;
/// docs/frontend-resampling.md).
/// </summary>
public class MelReferenceResampledTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("r44100_to_16000_brahms", 44100)]
    [InlineData("r48000_to_16000_trumpet", 48000)]
    [InlineData("r22050_to_16000_vibeace", 22050)]
    [InlineData("r8000_to_16000_humpback", 8000)]
    public void Reference_mel_of_a_resampled_file_equals_the_mel_of_torchaudios_resampled_waveform(string id, int rate)
    {
        using var dir = new TestPaths.TempDir();
        var input = ResamplerGoldenTests.Input(id, rate);
        WavWriter.Write(dir.File("in.wav"), AudioBuffer.Mono(input, rate), WavSampleFormat.Float32);
        WavWriter.Write(dir.File("torchaudio16k.wav"), AudioBuffer.Mono(ResamplerGoldenTests.GoldenOutput(id), 16000), WavSampleFormat.Float32);

        var ours = Mel(dir, "in.wav");
        var reference = Mel(dir, "torchaudio16k.wav");
        Assert.Equal([1024, 64], ours.Shape);
        Assert.Equal(reference.Shape, ours.Shape);
        var (max, mean) = GoldenMel.Errors(ours.Data, reference.Data);
        log.WriteLine($"{id}: log-mel max {max:E3} mean {mean:E3}");
        // Measured max / mean: brahms 1.0e-5 / 6.3e-8, trumpet 1.1e-3 / 1.6e-6, vibeace 6.5e-4 / 2.7e-6, humpback
        // 1.5e-3 / 6.0e-6: the <= 1.8e-7 waveform difference is amplified only in bins near the log's 1e-5 clamp (the
        // empty 4-8 kHz band of the 8 kHz file; the golden README finds the same order, 1.8e-4 .. 1.5e-3, between the
        // float32 reference and its own float64 recomputation). Tolerances: 10x the largest measured max and mean.
        // The float64-built kernel (before the fix) gives 4.3e-2 / 1.3e-4 on vibeace and fails both.
        Assert.True(max <= 1.5e-2 && mean <= 6e-5, $"{id}: log-mel max {max:E3} mean {mean:E3}");
    }

    [Fact]
    public void Reference_mel_of_a_stereo_file_is_channel_0_resampled()
    {
        // AudioLDM2: torchaudio.load -> resample all channels -> waveform.numpy()[0, ...]. Channels are resampled
        // independently, so that is channel 0 resampled: the second channel must not matter at all.
        using var dir = new TestPaths.TempDir();
        const string id = "r44100_to_16000_brahms";
        var left = ResamplerGoldenTests.Input(id, 44100);
        var right = new float[left.Length];
        for (int i = 0; i < right.Length; i++) right[i] = 0.9f * (float)Math.Sin(i * 0.03) - 0.5f * left[left.Length - 1 - i];
        WavWriter.Write(dir.File("stereo.wav"), new AudioBuffer([left, right], 44100), WavSampleFormat.Float32);
        WavWriter.Write(dir.File("left.wav"), AudioBuffer.Mono(left, 44100), WavSampleFormat.Float32);

        var stereo = Mel(dir, "stereo.wav");
        Assert.Equal(Mel(dir, "left.wav").Data, stereo.Data); // bit for bit

        // and the mix is a different thing (the option exists, it is not what AudioLDM2 does)
        var mix = Mel(dir, "stereo.wav", "--channel", "mix");
        var (max, _) = GoldenMel.Errors(stereo.Data, mix.Data);
        Assert.True(max > 0.1, $"mix and channel 0 differ by only {max:E3}");
    }

    private static Tensor Mel(TestPaths.TempDir dir, string file, params string[] extra)
    {
        var output = dir.File(Path.GetFileNameWithoutExtension(file) + string.Concat(extra) + ".npy");
        var (code, _, err) = Cli.Run(["mel", dir.File(file), "-o", output, "--reference", .. extra]);
        Assert.True(code == 0, err);
        return NpyFile.Read(output);
    }
}
