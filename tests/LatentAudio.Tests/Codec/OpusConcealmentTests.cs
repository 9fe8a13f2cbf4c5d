using LatentAudio.Audio;
using LatentAudio.Codec.Opus;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Codec;

public class OpusConcealmentTests(ITestOutputHelper output)
{
    /// <summary>Concentus 2.2.2 throws on one packet of its own 8 kbps CBR stream of this sample; rd must go on.</summary>
    [Fact]
    public void UndecodablePacketsAreConcealedAndCounted()
    {
        var x = AudioFile.Read(TestPaths.Samples("instrument_trumpet.wav")).Channel(0);
        var encoded = OpusBaseline.Encode(x, 8);
        // The strict decoder refuses the stream, so there is a packet to conceal ...
        var strict = Assert.Throws<InvalidInputException>(() => OpusBaseline.Decode(encoded.File));
        Assert.Contains("does not decode", strict.Message);
        // ... and the concealing one replaces it (and only the few bad ones) and says how many.
        var (samples, concealed) = OpusBaseline.DecodeConcealing(encoded.File);
        double rmsIn = Rms(x), rmsOut = Rms(samples);
        output.WriteLine($"{encoded.Packets} packets, {concealed} concealed; rms in {rmsIn:F5} out {rmsOut:F5}");
        Assert.InRange(concealed, 1, 3);
        Assert.Equal(x.Length, samples.Length);
        Assert.All(samples, v => Assert.True(float.IsFinite(v)));
        // The decoded trumpet is still the trumpet at about its level, not silence or noise.
        Assert.InRange(rmsOut / rmsIn, 0.5, 2.0);
    }

    private static double Rms(float[] x) => Math.Sqrt(x.Average(v => (double)v * v));
}
