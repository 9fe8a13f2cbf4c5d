using LatentAudio.Audio;
using LatentAudio.Dsp;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Dsp;

public class GriffinLimTests(ITestOutputHelper output)
{
    private static float[] Speech(int samples) =>
        NormalizedAudio.From(AudioFile.Read(TestPaths.Samples("speech_libri1.wav")).Channel(0).AsSpan(16000, samples)).Samples;

    [Fact]
    public void MoreIterationsLowerTheSpectralConvergence()
    {
        var x = Speech(16000); // 1 s of speech
        var config = MelConfig.AudioLdm16k;
        var target = new Stft(config.Stft).Magnitude(x);
        double previous = double.PositiveInfinity;
        foreach (var iterations in new[] { 0, 4, 32 })
        {
            var gl = new GriffinLim(config, iterations);
            var y = gl.FromMagnitude(target, x.Length);
            double sc = gl.SpectralConvergence(target, y);
            output.WriteLine($"{iterations} iterations: spectral convergence {sc:F4}");
            Assert.True(sc < previous, $"{iterations} iterations: {sc} not below {previous}");
            previous = sc;
        }
        Assert.True(previous < 0.2, $"32 iterations: {previous}");
    }

    [Fact]
    public void FromLogMelGivesAWaveformWithTheSameLogMel()
    {
        var x = Speech(8000);
        var config = MelConfig.AudioLdm16k;
        var logMel = new LogMelSpectrogram(config).Compute(x);
        var y = new GriffinLim(config).FromLogMel(logMel, x.Length);
        Assert.Equal(x.Length, y.Length);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        var again = new LogMelSpectrogram(config).Compute(y);
        var (max, mean) = GoldenMel.Errors(again.Data, logMel.Data);
        output.WriteLine($"log-mel of the Griffin-Lim output vs the input: max {max:F3}, mean {mean:F3}");
        Assert.True(mean < 0.5, $"mean abs log-mel error {mean}");
    }

    [Fact]
    public void SameSeedSameOutputAndSilenceStaysSilent()
    {
        var config = MelConfig.AudioLdm16k;
        var logMel = new LogMelSpectrogram(config).Compute(Speech(4000));
        var a = new GriffinLim(config, 4, seed: 7).FromLogMel(logMel, 4000);
        var b = new GriffinLim(config, 4, seed: 7).FromLogMel(logMel, 4000);
        Assert.Equal(a, b);
        var silent = new LogMelSpectrogram(config).Compute(new float[4000]);
        var s = new GriffinLim(config, 4).FromLogMel(silent, 4000);
        Assert.True(s.Max(Math.Abs) < 1e-3);
    }

    [Fact]
    public void Works48kConfigAndShortOutputs()
    {
        var config = MelConfig.AudioLdm48k;
        var x = new float[4800];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(0.3 * Math.Sin(2 * Math.PI * 1000 * i / 48000.0));
        var logMel = new LogMelSpectrogram(config).Compute(x);
        Assert.Equal([11, 256], logMel.Shape);
        var y = new GriffinLim(config, 8).FromLogMel(logMel, x.Length);
        Assert.All(y, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(300, new GriffinLim(MelConfig.AudioLdm16k, 2).FromLogMel(new LogMelSpectrogram(MelConfig.AudioLdm16k).Compute(new float[300]), 300).Length);
    }
}
