using System.Numerics;
using LatentAudio.Dsp;

namespace LatentAudio.Tests.Dsp;

/// <summary>
/// <see cref="Stft"/>'s forward and inverse put two frames through one complex FFT; they must equal the
/// frame-by-frame transforms they replace (one real frame per FFT, the inverse's real part).
/// </summary>
public class StftTests
{
    public static TheoryData<int, int, int, PadMode> Cases() => new()
    {
        { 1024, 160, 16000, PadMode.Reflect },  // AudioLDM2's 16 kHz STFT, an odd frame count (101)
        { 1024, 160, 16160, PadMode.Reflect },  // an even one (102)
        { 400, 100, 3000, PadMode.Constant },   // non power of two (Bluestein)
        { 9, 3, 50, PadMode.Reflect },          // odd size: no Nyquist bin
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardEqualsOneFftPerFrame(int nFft, int hop, int samples, PadMode pad)
    {
        var stft = new Stft(new StftConfig(nFft, hop, nFft, Pad: pad));
        var x = Signal(samples);
        var got = stft.Forward(x);
        var expected = FramewiseForward(stft, x);
        Assert.Equal(expected.Length, got.Length);
        for (int t = 0; t < got.Length; t++)
            for (int k = 0; k < stft.Config.Bins; k++)
                Assert.True(Complex.Abs(got[t][k] - expected[t][k]) < 1e-12 * nFft, $"frame {t} bin {k}: {got[t][k]} vs {expected[t][k]}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void InverseEqualsOneRealInverseFftPerFrame(int nFft, int hop, int samples, PadMode pad)
    {
        var stft = new Stft(new StftConfig(nFft, hop, nFft, Pad: pad));
        var spec = stft.Forward(Signal(samples));
        // Perturb the spectrum so that it is no STFT of anything, imaginary parts at DC and Nyquist included.
        var rng = new Random(2);
        foreach (var row in spec)
            for (int k = 0; k < row.Length; k++) row[k] += new Complex(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
        var got = stft.Inverse(spec, samples);
        var expected = FramewiseInverse(stft, spec, samples);
        for (int i = 0; i < samples; i++) Assert.Equal(expected[i], got[i], 1e-5f);
        // and an untouched spectrum comes back as the signal
        var x = Signal(samples);
        var back = stft.Inverse(stft.Forward(x), samples);
        for (int i = 0; i < samples; i++) Assert.Equal(x[i], back[i], 1e-5f);
    }

    private static float[] Signal(int n)
    {
        var rng = new Random(1);
        return Enumerable.Range(0, n).Select(i => (float)(0.4 * Math.Sin(i * 0.07) + 0.1 * (rng.NextDouble() - 0.5))).ToArray();
    }

    private static double[] Padded(Stft stft, float[] x)
    {
        int p = stft.Config.NFft / 2, len = x.Length;
        var y = new double[len + 2 * p];
        for (int i = 0; i < y.Length; i++)
        {
            int j = i - p;
            y[i] = j >= 0 && j < len ? x[j] : stft.Config.Pad == PadMode.Constant ? 0 : x[j < 0 ? -j : 2 * (len - 1) - j];
        }
        return y;
    }

    private static Complex[][] FramewiseForward(Stft stft, float[] x)
    {
        int n = stft.Config.NFft, hop = stft.Config.Hop;
        var padded = Padded(stft, x);
        var plan = new FftPlan(n);
        var frames = new List<Complex[]>();
        for (int start = 0; start + n <= padded.Length; start += hop)
        {
            var buf = new Complex[n];
            for (int i = 0; i < n; i++) buf[i] = padded[start + i] * stft.Window[i];
            plan.Forward(buf);
            frames.Add(buf[..stft.Config.Bins]);
        }
        return frames.ToArray();
    }

    private static float[] FramewiseInverse(Stft stft, Complex[][] spec, int length)
    {
        int n = stft.Config.NFft, hop = stft.Config.Hop, total = n + hop * (spec.Length - 1);
        var plan = new FftPlan(n);
        var y = new double[total];
        var w2 = new double[total];
        for (int t = 0; t < spec.Length; t++)
        {
            var buf = new Complex[n];
            for (int k = 0; k < stft.Config.Bins; k++) { buf[k] = spec[t][k]; if (k > 0) buf[n - k] = Complex.Conjugate(spec[t][k]); }
            plan.Inverse(buf);
            for (int i = 0; i < n; i++) { y[t * hop + i] += buf[i].Real * stft.Window[i]; w2[t * hop + i] += stft.Window[i] * stft.Window[i]; }
        }
        var result = new float[length];
        for (int i = 0; i < length && i + n / 2 < total; i++) result[i] = w2[i + n / 2] > 1e-11 ? (float)(y[i + n / 2] / w2[i + n / 2]) : 0f;
        return result;
    }
}
