using LatentAudio.Audio;
using LatentAudio.Codec.Opus;

namespace LatentAudio.Tests.Codec;

public class OpusConcealmentTests
{
    /// <summary>Concentus 2.2.2 throws on one packet of its own 8 kbps CBR stream of this sample; rd must go on.</summary>
    [Fact]
    public void UndecodablePacketsAreConcealedAndCounted()
    {
        var x = AudioFile.Read(TestPaths.Samples("instrument_trumpet.wav")).Channel(0);
        var encoded = OpusBaseline.Encode(x, 8);
        var (samples, concealed) = OpusBaseline.DecodeConcealing(encoded.File);
        Assert.Equal(x.Length, samples.Length);
        Assert.InRange(concealed, 0, 3);
        Assert.All(samples, v => Assert.True(float.IsFinite(v)));
    }
}
