using System.Numerics;
using LatentAudio.Dsp;

namespace LatentAudio.Tests.Dsp;

public class FftTests
{
    private static Complex[] Noise(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new Complex[n];
        for (int i = 0; i < n; i++) x[i] = new Complex(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
        return x;
    }

    private static Complex[] NaiveDft(Complex[] x)
    {
        int n = x.Length;
        var y = new Complex[n];
        for (int k = 0; k < n; k++)
        {
            Complex acc = 0;
            for (int t = 0; t < n; t++)
            {
                long kt = (long)k * t % n;
                double a = -2 * Math.PI * kt / n;
                acc += x[t] * new Complex(Math.Cos(a), Math.Sin(a));
            }
            y[k] = acc;
        }
        return y;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    [InlineData(512)]
    [InlineData(2048)]
    [InlineData(3)]
    [InlineData(12)]
    [InlineData(100)]
    [InlineData(743)]
    public void ForwardMatchesTheDefinitionAndInverseUndoesIt(int n)
    {
        var x = Noise(n, n);
        var expected = NaiveDft(x);
        var plan = new FftPlan(n);
        var y = (Complex[])x.Clone();
        plan.Forward(y);
        double scale = Math.Sqrt(n);
        for (int k = 0; k < n; k++) Assert.True((y[k] - expected[k]).Magnitude < 1e-12 * scale, $"n {n} bin {k}: {y[k]} vs {expected[k]}");
        plan.Inverse(y);
        for (int i = 0; i < n; i++) Assert.True((y[i] - x[i]).Magnitude < 1e-14 * scale, $"n {n} sample {i}");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(1024)]
    [InlineData(743)]
    // The interleaved kernel's cache paths (tiled bit reversal from 2^13, blocks past 2^14, stage pairs with and
    // without a single last stage) against the split kernel's plain stage-by-stage order.
    [InlineData(1 << 13)]
    [InlineData(1 << 15)]
    [InlineData(1 << 17)]
    [InlineData(1 << 18)]
    public void SplitAndComplexFormsGiveIdenticalResults(int n)
    {
        var x = Noise(n, 7);
        var plan = new FftPlan(n);
        var re = x.Select(c => c.Real).ToArray();
        var im = x.Select(c => c.Imaginary).ToArray();
        plan.Forward(x);
        plan.Forward(re, im);
        for (int k = 0; k < n; k++) { Assert.Equal(x[k].Real, re[k]); Assert.Equal(x[k].Imaginary, im[k]); }
    }

    [Fact]
    public void ForwardBitReversedEqualsForwardOfTheNaturalOrder()
    {
        const int n = 256;
        var x = Noise(n, 3);
        var plan = new FftPlan(n);
        var re = new double[n];
        var im = new double[n];
        for (int i = 0; i < n; i++) { re[plan.BitReversal[i]] = x[i].Real; im[plan.BitReversal[i]] = x[i].Imaginary; }
        plan.ForwardBitReversed(re, im);
        plan.Forward(x);
        for (int k = 0; k < n; k++) { Assert.Equal(x[k].Real, re[k]); Assert.Equal(x[k].Imaginary, im[k]); }
        Assert.Throws<InvalidOperationException>(() => new FftPlan(12).ForwardBitReversed(new double[12], new double[12]));
    }

    [Theory]
    [InlineData(512, 128, 400, PadMode.Reflect)]
    [InlineData(743, 160, 743, PadMode.Constant)]
    public void PackedPairMagnitudesEqualEachSignalsOwnStft(int nFft, int hop, int win, PadMode pad)
    {
        var rng = new Random(11);
        var a = new float[4000];
        var b = new float[4000];
        for (int i = 0; i < a.Length; i++) { a[i] = (float)(rng.NextDouble() - 0.5); b[i] = (float)Math.Sin(i * 0.05); }
        var stft = new Stft(new StftConfig(nFft, hop, win, Pad: pad));
        var (ma, mb) = stft.MagnitudePair(a, b, out int frames);
        var sa = stft.Magnitude(a);
        var sb = stft.Magnitude(b);
        Assert.Equal(sa.Length, frames);
        int bins = nFft / 2 + 1;
        for (int t = 0; t < frames; t++)
            for (int k = 0; k < bins; k++)
            {
                Assert.True(Math.Abs(ma[t * bins + k] - sa[t][k]) < 1e-11, $"a frame {t} bin {k}");
                Assert.True(Math.Abs(mb[t * bins + k] - sb[t][k]) < 1e-11, $"b frame {t} bin {k}");
            }
    }
}
