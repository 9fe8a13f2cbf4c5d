using LatentAudio.Dsp;
using LatentAudio.Metrics;
using LatentAudio.Metrics.P862;
using Xunit.Abstractions;
using PesqMetric = LatentAudio.Metrics.Pesq;

namespace LatentAudio.Tests.Pesq;

/// <summary>Behaviour on real speech: ceiling for identity, delay tolerance, monotone in noise.</summary>
public class PesqPropertyTests(ITestOutputHelper output)
{
    private static float[] Speech() => PesqGoldenTests.Load("pesq_speech.wav");

    // Measured on 2026-12-04: identity (16 and 8 kHz, delayed or not) gives the ceiling exactly (error 0; was
    // checked to 4 decimals), so the tolerance is two float32 ulps of a MOS near 4.6 (the score is a float).
    private const double CeilingTolerance = 1e-6;
    // Measured on 2026-12-04: a noisy copy delayed inside a fixed-length buffer moves WB by at most 1.30e-5 (delay
    // 8000), NB by 0. Tolerance 10x (was 0.01).
    private const double DelayTolerance = 1.5e-4;

    [Fact]
    public void IdentityGivesTheCeiling()
    {
        var x = Speech();
        double wb = PesqMetric.Compute(x, x, 16000, PesqMode.WideBand);
        double nb = PesqMetric.Compute(x, x, 16000, PesqMode.NarrowBand);
        output.WriteLine($"identity WB {wb:F6} NB {nb:F6}");
        // Raw 4.5 maps to 4.6439 (P.862.2) and 4.5486 (P.862.1).
        Assert.Equal(MosMapping.WideBand(4.5f), wb, CeilingTolerance);
        Assert.Equal(MosMapping.NarrowBand(4.5f), nb, CeilingTolerance);
    }

    [Fact]
    public void IdentityAt8kHzGivesTheNarrowBandCeiling()
    {
        var x = Resampler.Resample(Speech(), 16000, 8000);
        double nb = PesqMetric.Compute(x, x, 8000, PesqMode.NarrowBand);
        output.WriteLine($"identity 8 kHz NB {nb:F6}");
        Assert.Equal(MosMapping.NarrowBand(4.5f), nb, CeilingTolerance);
    }

    [Theory]
    [InlineData(800)]    // 50 ms
    [InlineData(4000)]   // 250 ms
    [InlineData(8000)]   // 500 ms
    public void DelayedCopyScoresLikeTheUndelayedOne(int delay)
    {
        var x = Speech();
        // Identical copy, delayed: still the ceiling.
        var delayedCopy = Shift(x, delay, x.Length + delay);
        double identity = PesqMetric.Compute(x, x, 16000, PesqMode.WideBand);
        double delayedIdentity = PesqMetric.Compute(x, delayedCopy, 16000, PesqMode.WideBand);
        output.WriteLine($"identity {identity:F5}, delayed by {delay}: {delayedIdentity:F5}");
        Assert.InRange(delayedIdentity - identity, -CeilingTolerance, CeilingTolerance);

        // Noisy copy, delayed inside a buffer of fixed length. PESQ's level alignment averages power over the
        // file length, so the comparison keeps the length fixed (0.5 s of room after the speech) and moves only
        // the delay.
        const int room = 8000;
        var reference = Shift(x, 0, x.Length + room);
        var noisy = AddNoise(x, 20, seed: 7);
        foreach (var mode in new[] { PesqMode.WideBand, PesqMode.NarrowBand })
        {
            double a = PesqMetric.Compute(reference, Shift(noisy, 0, x.Length + room), 16000, mode);
            double b = PesqMetric.Compute(reference, Shift(noisy, delay, x.Length + room), 16000, mode);
            output.WriteLine($"{mode} noisy, delay {delay}: undelayed {a:F5} delayed {b:F5}");
            Assert.InRange(b - a, -DelayTolerance, DelayTolerance);
        }
    }

    private static float[] Shift(float[] x, int delay, int length)
    {
        var y = new float[length];
        x.AsSpan(0, Math.Min(x.Length, length - delay)).CopyTo(y.AsSpan(delay));
        return y;
    }

    [Fact]
    public void MoreNoiseGivesLowerScores()
    {
        var x = Speech();
        foreach (var mode in new[] { PesqMode.WideBand, PesqMode.NarrowBand })
        {
            double previous = double.PositiveInfinity;
            foreach (double snr in new[] { 30.0, 20, 10, 0 })
            {
                double s = PesqMetric.Compute(x, AddNoise(x, snr, seed: 3), 16000, mode);
                output.WriteLine($"{mode} SNR {snr} dB: {s:F5}");
                Assert.True(s < previous, $"{mode}: {s} at {snr} dB is not below {previous}");
                Assert.InRange(s, 1.0, 4.65);
                previous = s;
            }
        }
    }

    internal static float[] AddNoise(float[] x, double snrDb, int seed)
    {
        var rnd = new Random(seed);
        var noise = new double[x.Length];
        double ps = 0, pn = 0;
        for (int i = 0; i < x.Length; i++)
        {
            // Box–Muller Gaussian noise.
            double u1 = 1.0 - rnd.NextDouble(), u2 = rnd.NextDouble();
            noise[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            ps += (double)x[i] * x[i];
            pn += noise[i] * noise[i];
        }
        double g = Math.Sqrt(ps / pn / Math.Pow(10, snrDb / 10));
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (float)(x[i] + g * noise[i]);
        return y;
    }
}
