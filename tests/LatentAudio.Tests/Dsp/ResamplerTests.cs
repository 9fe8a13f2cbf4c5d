using LatentAudio.Dsp;

namespace LatentAudio.Tests.Dsp;

public class ResamplerTests
{
    [Theory]
    [InlineData(44100, 16000, 44100)]
    [InlineData(48000, 16000, 12345)]
    [InlineData(16000, 48000, 1001)]
    [InlineData(8000, 16000, 7)]
    public void OutputLengthIsCeilOfRatio(int from, int to, int n)
    {
        var y = Resampler.Resample(new float[n], from, to);
        Assert.Equal((long)Math.Ceiling((double)n * to / from), y.Length);
    }

    [Fact]
    public void ClickStaysWhereItWas()
    {
        var x = new float[44100];
        x[22050] = 1;
        var y = Resampler.Resample(x, 44100, 16000);
        int argmax = Array.IndexOf(y, y.Max());
        Assert.Equal(8000, argmax);
    }
}
