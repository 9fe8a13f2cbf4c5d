using System.Text.Json.Nodes;
using LatentAudio.Metrics;
using LatentAudio.Reports;

namespace LatentAudio.Tests.Metrics;

/// <summary>The one JSON encoding of an outcome reads back as the outcome it was written from.</summary>
public sealed class OutcomeJsonTests
{
    private static MetricOutcome RoundTrip(MetricOutcome o) => OutcomeJson.Read(JsonNode.Parse(OutcomeJson.Write(o).ToJsonString()));

    [Fact]
    public void A_complete_value_is_a_plain_number()
    {
        var node = JsonNode.Parse(OutcomeJson.Write(MetricOutcome.Of(0.125)).ToJsonString())!;
        Assert.Equal(0.125, node.GetValue<double>());
        Assert.Equal(0.125, RoundTrip(MetricOutcome.Of(0.125)).Value);
    }

    [Fact]
    public void No_value_keeps_its_reason_and_infinity_its_sign()
    {
        var none = RoundTrip(MetricOutcome.Unavailable("reference is silent"));
        Assert.Null(none.Value);
        Assert.Equal("reference is silent", none.Reason);
        Assert.Equal(0, none.Infinity);

        var info = MetricCatalog.Snr.Info;
        var inf = RoundTrip(MetricOutcome.FromResult(info, double.PositiveInfinity));
        Assert.Null(inf.Value);
        Assert.Equal(1, inf.Infinity);
        Assert.StartsWith("+infinite", inf.Reason);
        Assert.Equal("+inf", (string?)OutcomeJson.Write(MetricOutcome.FromResult(info, double.PositiveInfinity))["infinite"]);
        Assert.Equal(-1, RoundTrip(MetricOutcome.FromResult(info, double.NegativeInfinity)).Infinity);
        Assert.NotNull(RoundTrip(MetricOutcome.FromResult(info, double.NaN)).Reason);
    }

    [Fact]
    public void A_partial_mean_keeps_value_reason_and_coverage()
    {
        var mean = MetricOutcome.Mean([(MetricOutcome.Of(2), 10), (MetricOutcome.Unavailable("no utterance"), 5), (MetricOutcome.Of(4), 5)]);
        var back = RoundTrip(mean);
        Assert.True(back.Partial);
        Assert.Equal((2 * 10 + 4 * 5) / 15.0, back.Value!.Value, 12);
        Assert.Equal(new MetricCoverage(3, 2, 20, 15), back.Coverage);
        Assert.Equal(mean.Reason, back.Reason);
        Assert.True(JsonNode.Parse(OutcomeJson.Write(mean).ToJsonString())!["partial"]!.GetValue<bool>());
    }
}
