using LatentAudio.Audio;
using LatentAudio.Audio.Flac;
using Kind = LatentAudio.Tests.Audio.FlacSyntheticStream.Kind;

namespace LatentAudio.Tests.Audio;

public class FlacSyntheticTests
{
    private static readonly Kind[] EightKinds =
        [Kind.Constant, Kind.Verbatim, Kind.Fixed2Escaped, Kind.Fixed4, Kind.Lpc2Rice2, Kind.VerbatimWasted, Kind.Fixed0ZeroEscape, Kind.Verbatim];

    /// <summary>Every bit depth the format allows, 8 channels, every subframe type, escaped partitions, Rice2.</summary>
    [Theory]
    [InlineData(4)] [InlineData(5)] [InlineData(8)] [InlineData(12)] [InlineData(16)]
    [InlineData(20)] [InlineData(24)] [InlineData(31)] [InlineData(32)]
    public void DecodesEverySubframeTypeAtAnyBitDepth(int bps)
    {
        var rng = new Random(bps);
        int[] blockSizes = [64, 64, 23];
        var flac = new FlacSyntheticStream(bps, 8, 12345, 64, blockSizes.Sum());
        var expected = new List<long>[8];
        for (int c = 0; c < 8; c++) expected[c] = [];
        foreach (int n in blockSizes)
        {
            var frame = new long[8][];
            for (int c = 0; c < 8; c++)
            {
                // Predicted channels get a smooth signal of a quarter of full scale so residuals fit the escape field.
                long full = 1L << (bps - 1);
                frame[c] = EightKinds[c] switch
                {
                    Kind.Constant => Enumerable.Repeat(-full + 1 + rng.NextInt64(2 * full - 1), n).ToArray(),
                    Kind.Fixed0ZeroEscape => new long[n],
                    Kind.VerbatimWasted => Enumerable.Range(0, n).Select(_ => (rng.NextInt64(-full, full) >> 3) << 3).ToArray(),
                    Kind.Verbatim => Enumerable.Range(0, n).Select(i => i == 0 ? -full : i == 1 ? full - 1 : rng.NextInt64(-full, full)).ToArray(),
                    _ => Enumerable.Range(0, n).Select(i => (long)(Math.Sin(i * 0.3 + c) * (full / 4)) + rng.NextInt64(-2, 3)).ToArray(),
                };
                expected[c].AddRange(frame[c]);
            }
            flac.AddFrame(frame, EightKinds);
        }

        using var reader = FlacReader.Open(new MemoryStream(flac.ToArray()), $"synthetic{bps}.flac");
        Assert.Equal(8, reader.Format.Channels);
        Assert.Equal(bps, reader.Format.BitsPerSample);
        Assert.Equal(12345, reader.Format.SampleRate);
        var got = new long[blockSizes.Sum() * 8 + 8];
        Assert.Equal(blockSizes.Sum(), reader.ReadIntegers(got));
        for (int c = 0; c < 8; c++)
            for (int i = 0; i < expected[c].Count; i++)
                Assert.True(expected[c][i] == got[i * 8 + c], $"{bps}-bit channel {c} ({EightKinds[c]}) sample {i}: {got[i * 8 + c]} != {expected[c][i]}");
    }

    [Fact]
    public void FullScaleSamplesMapToMinusOne()
    {
        var flac = new FlacSyntheticStream(12, 1, 8000, 16, 16);
        flac.AddFrame([[-2048, 2047, 0, 1024, .. new long[12]]], [Kind.Verbatim]);
        var audio = AudioFile.ReadAll(AudioFile.OpenReader(new MemoryStream(flac.ToArray()), "x.flac"), "x.flac");
        Assert.Equal([-1f, 2047f / 2048, 0f, 0.5f], audio.Channel(0)[..4]);
    }
}
