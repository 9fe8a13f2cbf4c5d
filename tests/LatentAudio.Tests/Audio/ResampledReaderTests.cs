using LatentAudio.Audio;
using LatentAudio.Dsp;

namespace LatentAudio.Tests.Audio;

/// <summary>Streaming decode + channel mode + resample equals reading the whole window, splitting and resampling it.</summary>
public class ResampledReaderTests
{
    [Theory]
    [InlineData("each", 0.0, null)]
    [InlineData("first", 0.0, null)]
    [InlineData("mix", 0.0, null)]
    [InlineData("each", 0.37, 1.5)]
    [InlineData("mix", 1.0, null)]
    public void Equals_whole_file_resampled(string mode, double offset, double? seconds)
    {
        using var dir = new TestPaths.TempDir();
        int rate = 44100, n = rate * 3 + 11;
        var rng = new Random(1);
        var left = new float[n];
        var right = new float[n];
        for (int i = 0; i < n; i++)
        {
            left[i] = (float)(0.5 * Math.Sin(i * 0.05) + 0.1 * (rng.NextDouble() - 0.5));
            right[i] = (float)(0.3 * Math.Sin(i * 0.011) + 0.1 * (rng.NextDouble() - 0.5));
        }
        string path = dir.File("s.wav");
        WavWriter.Write(path, new AudioBuffer([left, right], rate), WavSampleFormat.Float32);

        var channelMode = ChannelModeParser.Parse(mode);
        var expected = AudioFile.Read(path, offset, seconds).Split(channelMode).Select(p => p.Resample(16000)).ToList();

        using var reader = ResampledReader.Open(path, offset, seconds, 16000, channelMode);
        Assert.Equal(expected.Count, reader.Channels);
        Assert.Equal(expected[0].Length, reader.ExpectedFrames);
        var got = Enumerable.Range(0, reader.Channels).Select(_ => new List<float>()).ToArray();
        var block = Enumerable.Range(0, reader.Channels).Select(_ => new float[1000]).ToArray();
        for (int k; (k = reader.Read(block, 0, 1000)) > 0;)
            for (int c = 0; c < reader.Channels; c++) got[c].AddRange(block[c].AsSpan(0, k).ToArray());
        for (int c = 0; c < expected.Count; c++)
        {
            var e = expected[c].Channel(0);
            Assert.Equal(e.Length, got[c].Count);
            for (int i = 0; i < e.Length; i++) Assert.Equal(e[i], got[c][i]); // bit for bit
        }
    }

    [Fact]
    public void Nan_samples_are_refused_with_the_file_name()
    {
        using var dir = new TestPaths.TempDir();
        var x = new float[5000];
        x[4321] = float.NaN;
        WavWriter.Write(dir.File("nan.wav"), AudioBuffer.Mono(x, 16000), WavSampleFormat.Float32);
        using var reader = ResampledReader.Open(dir.File("nan.wav"), 0, null, 16000, ChannelMode.Each);
        var block = new[] { new float[4096] };
        var e = Assert.Throws<InvalidInputException>(() => { while (reader.Read(block, 0, 4096) > 0) { } });
        Assert.Contains("nan.wav", e.Message);
    }
}
