using LatentAudio.Audio;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Audio;

public class LossyDecoderTests(ITestOutputHelper output)
{
    // Fixtures: ffmpeg libmp3lame / libvorbis encodes of the first 2 s of samples/speech_libri1.wav (16 kHz mono) and
    // of Fixtures/audio/stereo44k_src.wav (1 s, 44.1 kHz stereo); see Fixtures/audio/README.md.
    [Theory]
    [InlineData("speech16k.mp3", "MP3", 16000, 1, 32000)]
    [InlineData("stereo44k.mp3", "MP3", 44100, 2, 44100)]
    [InlineData("speech16k.ogg", "Ogg Vorbis", 16000, 1, 32000)]
    [InlineData("stereo44k.ogg", "Ogg Vorbis", 44100, 2, 44100)]
    public void DecodesCloseToTheSource(string file, string codec, int rate, int channels, int sourceFrames)
    {
        var path = TestPaths.Fixtures("audio", file);
        using (var reader = AudioFile.OpenReader(path))
        {
            Assert.Equal(codec, reader.Format.Codec);
            Assert.Equal(rate, reader.Format.SampleRate);
            Assert.Equal(channels, reader.Format.Channels);
            Assert.Equal(sourceFrames, reader.Format.TotalFrames);
        }
        var decoded = AudioFile.Read(path);
        var source = rate == 16000
            ? AudioFile.Read(TestPaths.Samples("speech_libri1.wav"), 0, 2)
            : AudioFile.Read(TestPaths.Fixtures("audio", "stereo44k_src.wav"));
        output.WriteLine($"{file}: {decoded.Length} frames, source {sourceFrames}");
        // Both containers say how much priming and padding to trim (Ogg granule positions, the MP3 LAME/Info tag),
        // so the decode is exactly as long as the source and aligned with it.
        Assert.Equal(sourceFrames, decoded.Length);
        for (int c = 0; c < channels; c++)
        {
            var (lag, corr) = BestAlignment(source.Channel(c), decoded.Channel(c), maxLag: 100);
            output.WriteLine($"  channel {c}: lag {lag}, correlation {corr:F5}");
            Assert.Equal(0, lag);
            Assert.True(corr > 0.99, $"{file} channel {c}: correlation {corr:F4} at lag {lag}");
        }
    }

    /// <summary>The lag of <paramref name="b"/> against <paramref name="a"/> with the highest normalised correlation.</summary>
    private static (int Lag, double Correlation) BestAlignment(float[] a, float[] b, int maxLag)
    {
        int bestLag = 0; double best = double.NegativeInfinity;
        for (int lag = -maxLag; lag <= maxLag; lag++)
        {
            double c = Correlation(a, b, lag, step: 2);
            if (c > best) { best = c; bestLag = lag; }
        }
        return (bestLag, Correlation(a, b, bestLag, step: 1));
    }

    private static double Correlation(float[] a, float[] b, int lag, int step)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i += step)
        {
            int j = i + lag;
            if (j < 0 || j >= b.Length) continue;
            ab += (double)a[i] * b[j]; aa += (double)a[i] * a[i]; bb += (double)b[j] * b[j];
        }
        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : 0;
    }
}

public class LossyDecoderWindowTests
{
    [Theory]
    [InlineData("speech16k.mp3")]
    [InlineData("stereo44k.ogg")]
    public void WindowMatchesTheFullDecode(string file)
    {
        var path = TestPaths.Fixtures("audio", file);
        var full = AudioFile.Read(path);
        int rate = full.SampleRate, start = (int)Math.Round(0.37 * rate), count = (int)Math.Round(0.25 * rate);
        var part = AudioFile.Read(path, offsetSeconds: 0.37, seconds: 0.25);
        Assert.Equal(count, part.Length);
        for (int c = 0; c < full.ChannelCount; c++)
        {
            var expected = full.Channel(c).AsSpan(start, count);
            double maxErr = 0;
            for (int i = 0; i < count; i++) maxErr = Math.Max(maxErr, Math.Abs(expected[i] - part.Channel(c)[i]));
            Assert.True(maxErr < 1e-6, $"{file} channel {c}: window differs from the full decode by {maxErr}");
        }
    }
}
