using LatentAudio.Audio;
using LatentAudio.Metrics;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Metrics;

/// <summary>
/// Degenerate signals (digital silence, a constant, 10 ms) as reference and/or degraded: every metric key gives a
/// finite value or a reason, never a crash, a NaN or a huge number from dividing by a reference with no energy.
/// </summary>
public sealed class EdgeOutcomeTests(ITestOutputHelper output)
{
    private const int Rate = 16000;

    internal static float[] Signal(string kind) => kind switch
    {
        "silence" => new float[Rate],
        "dc" => Enumerable.Repeat(0.4f, Rate).ToArray(),
        "tone" => Tone(Rate),
        "short_tone" => Tone(Rate / 100), // 10 ms
        "short_silence" => new float[Rate / 100],
        "short_dc" => Enumerable.Repeat(0.4f, Rate / 100).ToArray(),
        _ => throw new ArgumentException(kind),
    };

    private static float[] Tone(int n)
    {
        var rng = new Random(3);
        return Enumerable.Range(0, n).Select(i => (float)(0.3 * Math.Sin(2 * Math.PI * 440 * i / Rate) + 0.01 * (rng.NextDouble() - 0.5))).ToArray();
    }

    public static TheoryData<string, string> Pairs => new()
    {
        { "silence", "tone" }, { "tone", "silence" }, { "silence", "silence" },
        { "dc", "tone" }, { "tone", "dc" }, { "dc", "dc" }, { "silence", "dc" }, { "dc", "silence" },
        { "short_tone", "short_tone" }, { "short_silence", "short_tone" }, { "short_tone", "short_silence" }, { "short_dc", "short_tone" },
    };

    [Theory, MemberData(nameof(Pairs))]
    public void EveryKeyGivesAFiniteValueOrAReason(string reference, string degraded)
    {
        var report = MetricEvaluator.Evaluate(AudioBuffer.Mono(Signal(reference), Rate), AudioBuffer.Mono(Signal(degraded), Rate));
        Assert.Equal(MetricRegistry.All.Select(m => m.Info.Key), report.Outcomes.Select(o => o.Info.Key));
        foreach (var (info, o) in report.Outcomes)
        {
            output.WriteLine($"{info.Key}: {o}");
            if (o.Value is double v) Assert.True(double.IsFinite(v), info.Key);
            else Assert.False(string.IsNullOrWhiteSpace(o.Reason), info.Key);
            // NaN is caught generically (MetricOutcome.FromResult), but each metric should say what is wrong itself.
            Assert.False(o.Reason?.StartsWith("indeterminate") == true, $"{info.Key}: {o.Reason}");
        }
    }

    [Theory]
    [InlineData("silence", "tone")]
    [InlineData("silence", "silence")]
    [InlineData("short_silence", "short_tone")]
    public void A_silent_reference_gives_reasons_for_ratios_to_its_energy(string reference, string degraded)
    {
        var report = MetricEvaluator.Evaluate(AudioBuffer.Mono(Signal(reference), Rate), AudioBuffer.Mono(Signal(degraded), Rate));
        foreach (var key in new[] { "snr", "si_sdr", "snr_aligned", "si_sdr_aligned", "pearson", "spectral_convergence", "mrstft", "spectral_corr" })
        {
            var o = report.Outcome(key);
            Assert.True(o.Value is null, $"{key}: {o}");
            Assert.False(string.IsNullOrWhiteSpace(o.Reason), key);
        }
    }
}
