using LatentAudio.Audio;
using LatentAudio.Audio.Flac;

namespace LatentAudio.Tests.Audio;

public class FlacTests
{
    // Each fixture was encoded with the reference encoder and decoded back with `flac -d` (see Fixtures/audio/README.md).
    public static TheoryData<string> Fixtures => new()
    {
        "speech_default", "brahms_best", "trumpet_lpc32", "stereo44k24", "robin24_wasted", "stereo32bit",
        "six8bit", "speech_ffmpeg", "synth16_fixed", "synth24_fixed", "synth24_stereo",
    };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void DecodesBitExactlyAsLibFlac(string name)
    {
        var (expected, channels, bits, rate) = PcmWavFile.ReadIntegers(TestPaths.Fixtures("audio", name + ".ref.wav"));
        using var reader = FlacReader.Open(File.OpenRead(TestPaths.Fixtures("audio", name + ".flac")), name + ".flac");
        Assert.Equal(rate, reader.Format.SampleRate);
        Assert.Equal(channels, reader.Format.Channels);
        Assert.Equal(bits, reader.Format.BitsPerSample);
        Assert.Equal(expected.Length / channels, reader.Format.TotalFrames);

        var actual = new long[expected.Length + 1000 * channels];
        int total = 0;
        // Odd read sizes so reads straddle frame boundaries.
        while (true)
        {
            int got = reader.ReadIntegers(actual.AsSpan(total * channels, Math.Min(777, actual.Length / channels - total) * channels));
            if (got == 0) break;
            total += got;
        }
        Assert.Equal(expected.Length / channels, total);
        Assert.True(expected.AsSpan().SequenceEqual(actual.AsSpan(0, expected.Length)), $"{name}: samples differ from libFLAC");
    }

    [Theory]
    [InlineData("stereo44k24")]
    [InlineData("trumpet_lpc32")]
    public void FloatSamplesAreIntegersOverFullScale(string name)
    {
        var (expected, channels, bits, _) = PcmWavFile.ReadIntegers(TestPaths.Fixtures("audio", name + ".ref.wav"));
        var audio = AudioFile.Read(TestPaths.Fixtures("audio", name + ".flac"));
        double scale = 1.0 / (1L << (bits - 1));
        for (int i = 0; i < audio.Length; i++)
            for (int c = 0; c < channels; c++)
                Assert.Equal((float)(expected[i * channels + c] * scale), audio.Channel(c)[i]);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.1)]
    public void WindowMatchesTheFullDecode(double offset)
    {
        var path = TestPaths.Fixtures("audio", "speech_default.flac");
        var full = AudioFile.Read(path);
        var part = AudioFile.Read(path, offsetSeconds: offset, seconds: 0.5);
        int start = (int)Math.Round(offset * 16000);
        Assert.Equal(8000, part.Length);
        Assert.Equal(full.Channel(0).AsSpan(start, 8000).ToArray(), part.Channel(0));
    }

    [Fact]
    public void InfoCommandReadsFlac()
    {
        var (code, output, err) = Cli.Run("info", TestPaths.Fixtures("audio", "stereo44k24.flac"));
        Assert.True(code == 0, err);
        Assert.Contains("FLAC", output);
        Assert.Contains("44100 Hz, 2 ch", output);
    }
}
