using LatentAudio.Metrics;
using VisqolMetric = LatentAudio.Metrics.Visqol; // the test namespace LatentAudio.Tests.Visqol hides the type name
using Xunit.Abstractions;

namespace LatentAudio.Tests.Visqol;

/// <summary>
/// google/visqol v3.3.3 conformance values (src/include/conformance.h, tests/conformance_test.cc, visqol_api_test.cc,
/// visqol_manager_test.cc at 38d0b016) for every case whose files we have. Upstream asserts 1e-4; we assert 10x
/// what this port measures (measured on 2026-12-04, old tolerance 1e-4 everywhere).
/// </summary>
public class VisqolConformanceTests(ITestOutputHelper output)
{
    // Audio mode: measured max MOS error 4.93e-14 (contrabassoon); tolerance 10x.
    private const double AudioMosTolerance = 5e-13;

    // Contrabassoon is the longest pair (16 s); its MOS and intermediates come from one run.
    private static readonly Lazy<VisqolResult> Contrabassoon = new(() => VisqolMetric.Compute(
        VisqolFixtures.Load("contrabassoon48_stereo.wav"), VisqolFixtures.Load("contrabassoon48_stereo_24kbps_aac.wav"), VisqolMode.Audio));

    [Theory]
    [InlineData("contrabassoon48_stereo.wav", "contrabassoon48_stereo_24kbps_aac.wav", 2.346868205375293)]
    [InlineData("glock48_stereo.wav", "glock48_stereo_48kbps_aac.wav", 4.332452943882108)]
    [InlineData("castanets48_stereo.wav", "castanets48_stereo.wav", 4.732101253042348)]
    [InlineData("CA01_01.wav", "transcoded_CA01_01.wav", 1.7658378752958486)]
    public void AudioModeMatchesConformance(string reference, string degraded, double expected)
    {
        VisqolResult result;
        if (reference.StartsWith("contrabassoon")) result = Contrabassoon.Value;
        else
        {
            var r = VisqolFixtures.Load(reference);
            var d = reference == degraded ? r : VisqolFixtures.Load(degraded);
            result = VisqolMetric.Compute(r, d, VisqolMode.Audio);
        }
        output.WriteLine($"{reference} vs {degraded}: MOS {result.Mos:R} expected {expected:R} error {result.Mos - expected:E3} vnsim {result.Vnsim:R}");
        Assert.InRange(result.Mos, expected - AudioMosTolerance, expected + AudioMosTolerance);
    }

    // Speech mode, per case, 10x the error measured on 2026-12-04: transcoded 5.66e-13; the scaled identity reaches
    // 5 only to 5.68e-8 (upstream's 5.0 is the clamped mapping; ours is 4.99999994); the unscaled identity is exact
    // (0), so it gets the transcoded case's tolerance.
    [Theory]
    [InlineData("transcoded_CA01_01.wav", false, 3.374505555111911, 6e-12)]
    [InlineData("CA01_01.wav", false, 5.0, 6e-7)]
    [InlineData("CA01_01.wav", true, 4.015861169223797, 6e-12)]
    public void SpeechModeExponentialMatchesConformance(string degraded, bool unscaled, double expected, double tolerance)
    {
        var r = VisqolFixtures.Load("CA01_01.wav");
        var d = degraded == "CA01_01.wav" ? r : VisqolFixtures.Load(degraded);
        var result = VisqolMetric.Compute(r, d, VisqolMode.Speech, new VisqolOptions { UnscaledSpeechMapping = unscaled });
        output.WriteLine($"CA01_01 vs {degraded} unscaled={unscaled}: MOS {result.Mos:R} expected {expected:R} error {result.Mos - expected:E3} vnsim {result.Vnsim:R}");
        Assert.InRange(result.Mos, expected - tolerance, expected + tolerance);
    }

    [Fact]
    public void ContrabassoonIntermediatesMatch()
    {
        double[] expectedFvnsim =
        [
            0.837734, 0.876521, 0.961234, 0.994765, 0.993365, 0.960257, 0.970669, 0.977240, 0.956064, 0.955593, 0.928974,
            0.942510, 0.929430, 0.924167, 0.910043, 0.919950, 0.948203, 0.967128, 0.938363, 0.666311, 0.559159, 0.638507,
            0.591591, 0.375152, 0.143614, 0.175654, 0.229844, 0.104067, 0.134298, 0.164059, 0.830190, 0.960120,
        ];
        var result = Contrabassoon.Value;
        double maxBand = 0;
        for (int b = 0; b < 32; b++) maxBand = Math.Max(maxBand, Math.Abs(result.Fvnsim[b] - expectedFvnsim[b]));
        output.WriteLine($"vnsim {result.Vnsim:R} error {result.Vnsim - 0.7332747822441584:E3}; max fvnsim band error {maxBand:E3}");
        Assert.Equal(32, result.Fvnsim.Length);
        // Measured on 2026-12-04: vnsim 1.77e-14 (was 1e-4), fvnsim bands 9.70e-7 against upstream's 6-decimal values
        // (was 1e-3; their rounding, 5e-7, is the floor). Tolerances 10x.
        Assert.InRange(result.Vnsim, 0.7332747822441584 - 2e-13, 0.7332747822441584 + 2e-13);
        Assert.True(maxBand <= 1e-5, $"max fvnsim band error {maxBand}");
    }
}
