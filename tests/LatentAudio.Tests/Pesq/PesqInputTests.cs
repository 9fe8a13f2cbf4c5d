using LatentAudio.Metrics;
using LatentAudio.Metrics.P862;
using PesqMetric = LatentAudio.Metrics.Pesq;

namespace LatentAudio.Tests.Pesq;

/// <summary>Inputs the reference rejects give InvalidInputException with the reason, never NaN.</summary>
public class PesqInputTests
{
    private static float[] Speech() => PesqGoldenTests.Load("pesq_speech.wav");

    [Theory]
    [InlineData(44100, PesqMode.NarrowBand)]
    [InlineData(22050, PesqMode.WideBand)]
    [InlineData(8000, PesqMode.WideBand)]
    [InlineData(48000, PesqMode.WideBand)]
    public void RejectsUnsupportedRates(int rate, PesqMode mode)
    {
        var x = Speech();
        var e = Assert.Throws<InvalidInputException>(() => PesqMetric.Compute(x, x, rate, mode));
        Assert.Contains($"{rate} Hz", e.Message);
    }

    [Theory]
    [InlineData(3999, 16000)]
    [InlineData(1999, 8000)]
    public void RejectsSignalsShorterThanAQuarterSecond(int length, int rate)
    {
        var x = Speech()[..length];
        var e = Assert.Throws<InvalidInputException>(() => PesqMetric.Compute(x, Speech(), rate, PesqMode.NarrowBand));
        Assert.Contains("1/4 s", e.Message);
        e = Assert.Throws<InvalidInputException>(() => PesqMetric.Compute(Speech(), x, rate, PesqMode.NarrowBand));
        Assert.Contains("1/4 s", e.Message);
    }

    [Fact]
    public void AcceptsExactlyAQuarterSecond()
    {
        var x = Speech()[16000..20000];
        double s = PesqMetric.Compute(x, x, 16000, PesqMode.WideBand);
        Assert.Equal(MosMapping.WideBand(4.5f), s, 1e-6); // a score, and the identity ceiling (was: any finite value)
    }

    [Fact]
    public void RejectsSilence()
    {
        var zeros = new float[16000];
        var e = Assert.Throws<InvalidInputException>(() => PesqMetric.Compute(zeros, zeros, 16000, PesqMode.WideBand));
        Assert.Contains("utterance", e.Message);
        e = Assert.Throws<InvalidInputException>(() => PesqMetric.Compute(zeros, Speech(), 16000, PesqMode.NarrowBand));
        Assert.Contains("utterance", e.Message);
    }

    [Fact]
    public void RejectsSilentDegraded()
    {
        var e = Assert.Throws<InvalidInputException>(() => PesqMetric.Compute(Speech(), new float[16000], 16000, PesqMode.WideBand));
        Assert.Contains("degraded", e.Message);
    }

    [Fact]
    public void RejectsNonFiniteSamples()
    {
        var x = Speech();
        var y = (float[])x.Clone();
        y[100] = float.NaN;
        var e = Assert.Throws<InvalidInputException>(() => PesqMetric.Compute(x, y, 16000, PesqMode.WideBand));
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void ScoresAreNeverNaNOnNoiseOnlyDegraded()
    {
        var x = Speech();
        var rnd = new Random(5);
        var noise = new float[x.Length];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)(rnd.NextDouble() - 0.5) * 0.1f;
        foreach (var mode in new[] { PesqMode.WideBand, PesqMode.NarrowBand })
        {
            double s = PesqMetric.Compute(x, noise, 16000, mode);
            // Noise alone scores at the bottom of the scale (measured WB 1.025, NB 1.185 on 2026-12-04; was: anywhere
            // in 0.999..4.65).
            Assert.InRange(s, 0.999, 1.5);
        }
    }
}
