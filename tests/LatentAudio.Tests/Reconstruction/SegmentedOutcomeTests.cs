using LatentAudio.Metrics;
using LatentAudio.Reconstruction;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>SegmentedMetrics means over the parts that have a value and says what they cover.</summary>
public class SegmentedOutcomeTests
{
    private const int Rate = 100; // 10.24 s segments hold 1024 samples: 3000 samples are 3 segments of 1000

    /// <summary>
    /// Reference samples are segment + 1 on channel 0 and segment + 11 on channel 1, so the fake knows where it is.
    /// "a" fails on the second segment, "b" everywhere, "c" on channel 1, "d" never.
    /// </summary>
    private static IReadOnlyDictionary<string, MetricOutcome> Fake(float[] reference, float[] degraded, int rate)
    {
        double x = reference[0];
        int segment = (int)x % 10, channel = x >= 10 ? 1 : 0;
        return new Dictionary<string, MetricOutcome>
        {
            ["a"] = segment == 2 ? MetricOutcome.Unavailable("no utterance") : MetricOutcome.Of(x),
            ["b"] = MetricOutcome.Unavailable("too short"),
            ["c"] = channel == 0 ? MetricOutcome.Of(x) : MetricOutcome.Unavailable("channel 1 refused"),
            ["d"] = MetricOutcome.Of(x),
        };
    }

    private static IReadOnlyDictionary<string, MetricOutcome> Run(int channels)
    {
        const int n = 3000;
        var metrics = new SegmentedMetrics(Fake, ["out"], channels, n, Rate);
        Assert.Equal(3, metrics.Segments);
        var reference = Enumerable.Range(0, channels).Select(c => Enumerable.Range(0, n).Select(i => (float)(i / 1000 + 1 + 10 * c)).ToArray()).ToArray();
        var outputs = new Dictionary<string, float[][]> { ["out"] = reference.Select(r => (float[])r.Clone()).ToArray() };
        // Fed in uneven blocks that straddle the segment boundaries.
        for (int offset = 0; offset < n; offset += 700)
            metrics.Add(reference, outputs, offset, Math.Min(700, n - offset));
        return metrics.Result()["out"];
    }

    [Fact]
    public void A_metric_missing_on_some_segments_is_partial_with_its_coverage_and_the_mean_of_the_covered_parts()
    {
        var a = Run(channels: 2)["a"];
        Assert.True(a.Partial);
        Assert.Equal(new MetricCoverage(6, 4, 30, 20), a.Coverage);
        Assert.Equal((1 + 11 + 3 + 13) / 4.0, a.Value!.Value, 12); // segments 1 and 3, both channels; segment 2 left out
        Assert.Contains("no utterance", a.Reason);
        Assert.Contains("2 of 6", a.Reason);
    }

    [Fact]
    public void A_metric_missing_on_one_channel_covers_half_the_duration()
    {
        var c = Run(channels: 2)["c"];
        Assert.True(c.Partial);
        Assert.Equal(new MetricCoverage(6, 3, 30, 15), c.Coverage);
        Assert.Equal(2.0, c.Value!.Value, 12);
        Assert.Contains("channel 1 refused", c.Reason);
    }

    [Fact]
    public void A_metric_missing_everywhere_keeps_its_reason_and_a_complete_one_is_not_partial()
    {
        var result = Run(channels: 2);
        var b = result["b"];
        Assert.Null(b.Value);
        Assert.Equal("too short", b.Reason);
        Assert.Equal(new MetricCoverage(6, 0, 30, 0), b.Coverage);
        Assert.False(b.Partial);

        var d = result["d"];
        Assert.False(d.Partial);
        Assert.Null(d.Reason);
        Assert.Equal((1 + 2 + 3 + 11 + 12 + 13) / 6.0, d.Value!.Value, 12);
        Assert.Equal(new MetricCoverage(6, 6, 30, 30), d.Coverage);
    }

    [Fact]
    public void Unequal_segments_are_weighted_by_duration()
    {
        // 2500 samples: segments of 833, 833 and 834 samples; the value is the segment's length.
        var metrics = new SegmentedMetrics((r, _, _) => new Dictionary<string, MetricOutcome> { ["len"] = MetricOutcome.Of(r.Length) },
            ["out"], 1, 2500, Rate);
        var x = new[] { new float[2500] };
        metrics.Add(x, new Dictionary<string, float[][]> { ["out"] = x }, 0, 2500);
        var len = metrics.Result()["out"]["len"];
        Assert.Equal((833.0 * 833 + 833 * 833 + 834 * 834) / 2500, len.Value!.Value, 9);
        Assert.Equal(25.0, len.Coverage!.SecondsWithValue, 9);
    }
}
