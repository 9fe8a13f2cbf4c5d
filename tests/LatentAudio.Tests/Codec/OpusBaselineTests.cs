using LatentAudio.Audio;
using LatentAudio.Codec.Opus;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Codec;

public class OpusBaselineTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("speech_libri1.wav")]
    [InlineData("music_brahms.wav")]
    public void RoundTripsRealAudioAtEachBitrateWithin10Percent(string sample)
    {
        var audio = AudioFile.Read(TestPaths.Samples(sample));
        Assert.Equal(16000, audio.SampleRate);
        var x = audio.Channel(0);
        var failures = new List<string>();
        foreach (var kbps in OpusBaseline.StandardKbps)
        {
            var enc = OpusBaseline.Encode(x, kbps);
            var y = OpusBaseline.Decode(enc.File);
            Assert.Equal(x.Length, y.Length);
            double snr = Snr(x, y);
            output.WriteLine($"{sample} {kbps,4} kbps asked: measured {enc.MeasuredKbps:0.000} kbps ({enc.File.Length} bytes, {enc.Packets} packets, pre-skip {enc.PreSkip}), SNR {snr:0.0} dB");
            if (enc.MeasuredKbps < kbps * 0.9 || enc.MeasuredKbps > kbps * 1.1) failures.Add($"{kbps} kbps measured {enc.MeasuredKbps:0.000}");
            if (snr <= (kbps >= 16 ? 3 : -3)) failures.Add($"{kbps} kbps: SNR {snr:0.0} dB — output misaligned or broken");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void CorruptFilesAreInvalidInput()
    {
        var enc = OpusBaseline.Encode(new float[16000], 12);
        Assert.Throws<InvalidInputException>(() => OpusBaseline.Decode(enc.File[..10]));
        var bad = (byte[])enc.File.Clone();
        bad[0] = (byte)'X';
        Assert.Throws<InvalidInputException>(() => OpusBaseline.Decode(bad));
    }

    private static double Snr(float[] x, float[] y)
    {
        double s = 0, e = 0;
        for (int i = 0; i < x.Length; i++) { s += x[i] * (double)x[i]; double d = x[i] - y[i]; e += d * d; }
        return 10 * Math.Log10(s / Math.Max(e, 1e-20));
    }
}
