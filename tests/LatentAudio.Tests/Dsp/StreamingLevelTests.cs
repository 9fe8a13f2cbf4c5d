using LatentAudio.Dsp;

namespace LatentAudio.Tests.Dsp;

/// <summary>The streaming level measurement gives exactly what the whole-signal normalize_wav port gives.</summary>
public class StreamingLevelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(128)]
    [InlineData(129)]
    [InlineData(1000)]
    [InlineData(163840)]
    [InlineData(1234567)]
    public void Pairwise_sum_fed_in_pieces_is_bit_identical(int n)
    {
        var rng = new Random(n);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 2 - 1 + 0.3);
        var sum = new StreamingPairwiseSum(n);
        for (int pos = 0; pos < n;)
        {
            int take = Math.Min(rng.Next(1, 9000), n - pos);
            sum.Add(x.AsSpan(pos, take));
            pos += take;
        }
        Assert.Equal(NumpyFloat32.PairwiseSum(x), sum.Result());
    }

    [Fact]
    public void Level_statistics_match_the_whole_signal_normalisation()
    {
        var rng = new Random(5);
        var x = new float[300001];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(0.355 + 0.2 * Math.Sin(i * 0.01) + 0.01 * rng.NextDouble());
        var whole = NormalizedAudio.From(x);
        var stats = new LevelStatistics(x.Length);
        for (int pos = 0; pos < x.Length; pos += 4096) stats.Add(x.AsSpan(pos, Math.Min(4096, x.Length - pos)));
        var level = stats.Result();
        var y = new float[x.Length];
        level.Apply(x, y);
        Assert.Equal(whole.Mean, level.Mean);
        Assert.Equal(whole.Scale, level.Scale);
        Assert.Equal(whole.Samples, y);
    }

    [Fact]
    public void A_short_count_is_refused()
    {
        var sum = new StreamingPairwiseSum(10);
        sum.Add(new float[9]);
        Assert.Throws<InvalidOperationException>(() => sum.Result());
        Assert.Throws<InvalidOperationException>(() => sum.Add(new float[2]));
    }
}
