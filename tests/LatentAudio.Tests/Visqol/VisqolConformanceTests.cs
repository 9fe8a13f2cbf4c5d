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
    // Audio mode: measured max MOS error 4.93e-14 (contrabassoon; strauss lp35 1.1e-14, harpsichord MP3 8.9e-16, ravel
    // Opus 2.7e-14 measured 2026-12-04); tolerance 10x.
    private const double AudioMosTolerance = 5e-13;

    // Contrabassoon is the longest pair (16 s); its MOS and intermediates come from one run.
    private static readonly Lazy<VisqolResult> Contrabassoon = new(() => VisqolMetric.Compute(
        VisqolFixtures.Load("contrabassoon48_stereo.wav"), VisqolFixtures.Load("contrabassoon48_stereo_24kbps_aac.wav"), VisqolMode.Audio));

    [Theory]
    [InlineData("contrabassoon48_stereo.wav", "contrabassoon48_stereo_24kbps_aac.wav", 2.346868205375293)]
    [InlineData("glock48_stereo.wav", "glock48_stereo_48kbps_aac.wav", 4.332452943882108)]
    [InlineData("castanets48_stereo.wav", "castanets48_stereo.wav", 4.732101253042348)]
    [InlineData("CA01_01.wav", "transcoded_CA01_01.wav", 1.7658378752958486)]
    // Band-limited (3.5 kHz low-pass, kConformanceStraussLp35) and non-AAC (kConformanceHarpsichord96mp3: 96 kbps MP3,
    // degraded 1799 samples longer and 23 ms late; kConformanceRavel128opus: 128 kbps Opus, 689 samples longer).
    [InlineData("strauss48_stereo.wav", "strauss48_stereo_lp35.wav", 1.3888791489130758)]
    [InlineData("harpsichord48_stereo.wav", "harpsichord48_stereo_96kbps_mp3.wav", 4.22374532766003)]
    [InlineData("ravel48_stereo.wav", "ravel48_stereo_128kbps_opus.wav", 4.465141897255348)]
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

    /// <summary>
    /// The same conformance values through the metrics registry, as `metrics REF DEG` and reconstruct's reports get
    /// them (default common rate 16 kHz): ViSQOL must see the files as loaded, not the pair's 16 kHz trimmed copies
    /// (which read 2.814 / 4.693 / 4.724 here before).
    /// </summary>
    [Theory]
    [InlineData("strauss48_stereo.wav", "strauss48_stereo_lp35.wav", 1.3888791489130758)]
    [InlineData("harpsichord48_stereo.wav", "harpsichord48_stereo_96kbps_mp3.wav", 4.22374532766003)]
    [InlineData("ravel48_stereo.wav", "ravel48_stereo_128kbps_opus.wav", 4.465141897255348)]
    public void MetricsRegistryGivesTheConformanceValue(string reference, string degraded, double expected)
    {
        var report = LatentAudio.Metrics.MetricEvaluator.Evaluate(VisqolFixtures.Load(reference), VisqolFixtures.Load(degraded), null, ["visqol_audio"]);
        double mos = report["visqol_audio"] ?? double.NaN;
        output.WriteLine($"{reference} vs {degraded} through the registry: MOS {mos:R} expected {expected:R}");
        Assert.InRange(mos, expected - AudioMosTolerance, expected + AudioMosTolerance);
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

    // The FLAC fixtures are re-encodings; their samples must be the upstream WAVs' data chunks (frames and SHA-256 of the
    // 16-bit interleaved PCM, computed from the files of google/visqol 38d0b016 testdata/conformance_testdata_subset).
    [Theory]
    [InlineData("strauss48_stereo.wav", 702143, "f3d268417ac3d41f665da75b760468747d87fda071f90285d7614da49580e544")]
    [InlineData("strauss48_stereo_lp35.wav", 702143, "124b778e549ff1e0061c8fa176a41182b5b6c0dcece3a656af22353a1e520f3e")]
    [InlineData("harpsichord48_stereo.wav", 699769, "52edeb48fd405834b087095630e4f360d9221c0c2f32c1e5c9ce1da42aeb7b42")]
    [InlineData("harpsichord48_stereo_96kbps_mp3.wav", 701568, "cb5b4916e2901a29ccf6e4f35d00dcbbdd1c2cce1b283c1c5087450309960647")]
    [InlineData("ravel48_stereo.wav", 696919, "851d486cd8324a58b6b018450aa34ccbe2b5fc821b3a6281907a42ae94cee960")]
    [InlineData("ravel48_stereo_128kbps_opus.wav", 697608, "cf5c76fc41c5b3ce5140996b6dde30dc6e2db60f040aa6bc420bba299fc01f21")]
    public void FlacFixturesHoldTheUpstreamSamples(string name, int frames, string sha256)
    {
        var buffer = VisqolFixtures.Load(name);
        Assert.Equal(48000, buffer.SampleRate);
        Assert.Equal(2, buffer.ChannelCount);
        Assert.Equal(frames, buffer.Length);
        Assert.Equal(sha256, VisqolFixtures.PcmSha256(buffer));
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
