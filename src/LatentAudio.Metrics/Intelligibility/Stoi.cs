using System.Numerics;
using LatentAudio.Dsp;

namespace LatentAudio.Metrics.Intelligibility;

/// <summary>
/// STOI (Taal et al., IEEE TASLP 2011) and extended STOI (Jensen &amp; Taal, IEEE TASLP 2016) exactly as pystoi
/// v0.4.1 computes them (mpariente/pystoi `pystoi/stoi.py`, `pystoi/utils.py`): resample to 10 kHz with
/// <see cref="OctaveResampler"/>, drop frames more than 40 dB below the loudest clean frame (256-sample MATLAB Hann
/// frames, hop 128, overlap-added back), STFT 256/512 hop 128, 15 one-third-octave bands from 150 Hz, 30-frame
/// segments. The eps-scale random noise pystoi's ESTOI adds before normalising is left out (it moves the result in
/// the 16th digit).
/// </summary>
public static class Stoi
{
    public const int Rate = 10000, FrameLength = 256, FftSize = 512, Bands = 15, SegmentFrames = 30;
    public const double MinFrequency = 150, Beta = -15, DynamicRange = 40;
    private const double Eps = 2.220446049250313e-16; // np.finfo(float).eps

    public static double Compute(ReadOnlySpan<float> clean, ReadOnlySpan<float> degraded, int sampleRate, bool extended)
    {
        if (clean.Length != degraded.Length) throw new ArgumentException("STOI needs equally long signals");
        var (x, y) = Prepare(clean, degraded, sampleRate);
        return FromTenKilohertz(x, y, extended);
    }

    /// <summary>Both signals at 10 kHz with the silent frames removed (what STOI and ESTOI share).</summary>
    public static (double[] Clean, double[] Degraded) Prepare(ReadOnlySpan<float> clean, ReadOnlySpan<float> degraded, int sampleRate)
    {
        double[] x = ToDouble(clean), y = ToDouble(degraded);
        if (sampleRate != Rate)
        {
            var r = new OctaveResampler(Rate, sampleRate);
            x = r.Process(x); y = r.Process(y);
        }
        return RemoveSilentFrames(x, y);
    }

    public static double FromTenKilohertz(double[] x, double[] y, bool extended)
    {
        var xTob = ThirdOctaveEnvelopes(x);
        var yTob = ThirdOctaveEnvelopes(y);
        int frames = xTob.Length / Bands;
        if (frames < SegmentFrames)
            throw new MetricUnavailableException($"fewer than {SegmentFrames} non-silent STFT frames at 10 kHz (pystoi would return 1e-5)");
        return extended ? Extended(xTob, yTob, frames) : Classic(xTob, yTob, frames);
    }

    private static double Classic(double[] xTob, double[] yTob, int frames)
    {
        double clip = Math.Pow(10, -Beta / 20);
        var xs = new double[SegmentFrames];
        var ys = new double[SegmentFrames];
        double total = 0;
        int segments = frames - SegmentFrames + 1;
        for (int m = 0; m < segments; m++)
        {
            for (int j = 0; j < Bands; j++)
            {
                double nx = 0, ny = 0;
                for (int n = 0; n < SegmentFrames; n++)
                {
                    xs[n] = xTob[(m + n) * Bands + j]; ys[n] = yTob[(m + n) * Bands + j];
                    nx += xs[n] * xs[n]; ny += ys[n] * ys[n];
                }
                double scale = Math.Sqrt(nx) / (Math.Sqrt(ny) + Eps);
                double mx = 0, my = 0;
                for (int n = 0; n < SegmentFrames; n++)
                {
                    ys[n] = Math.Min(ys[n] * scale, xs[n] * (1 + clip));
                    mx += xs[n]; my += ys[n];
                }
                mx /= SegmentFrames; my /= SegmentFrames;
                double sxx = 0, syy = 0, sxy = 0;
                for (int n = 0; n < SegmentFrames; n++)
                {
                    xs[n] -= mx; ys[n] -= my;
                    sxx += xs[n] * xs[n]; syy += ys[n] * ys[n];
                }
                double dx = Math.Sqrt(sxx) + Eps, dy = Math.Sqrt(syy) + Eps;
                for (int n = 0; n < SegmentFrames; n++) sxy += (ys[n] / dy) * (xs[n] / dx);
                total += sxy;
            }
        }
        return total / ((double)segments * Bands);
    }

    private static double Extended(double[] xTob, double[] yTob, int frames)
    {
        int segments = frames - SegmentFrames + 1;
        var xn = new double[Bands * SegmentFrames];
        var yn = new double[Bands * SegmentFrames];
        double total = 0;
        for (int m = 0; m < segments; m++)
        {
            RowColumnNormalise(xTob, m, xn);
            RowColumnNormalise(yTob, m, yn);
            double s = 0;
            for (int i = 0; i < xn.Length; i++) s += xn[i] * yn[i] / SegmentFrames;
            total += s;
        }
        return total / segments;
    }

    // pystoi `row_col_normalize` on one 15 x 30 segment (band-major in seg[j * 30 + n]): each band's row
    // mean-removed and scaled to unit norm, then each frame's column likewise. pystoi first adds eps-scaled random
    // noise, so a constant row (silence) becomes a random unit vector whose expected correlation is 0; without the
    // noise (deterministic) such a row is left at zero, which gives that expectation instead of 0/0.
    private static void RowColumnNormalise(double[] tob, int start, double[] seg)
    {
        for (int j = 0; j < Bands; j++)
        {
            double mean = 0;
            for (int n = 0; n < SegmentFrames; n++) mean += seg[j * SegmentFrames + n] = tob[(start + n) * Bands + j];
            mean /= SegmentFrames;
            double ss = 0;
            for (int n = 0; n < SegmentFrames; n++) { double v = seg[j * SegmentFrames + n] -= mean; ss += v * v; }
            double inv = ss > 0 ? 1.0 / Math.Sqrt(ss) : 0;
            for (int n = 0; n < SegmentFrames; n++) seg[j * SegmentFrames + n] *= inv;
        }
        for (int n = 0; n < SegmentFrames; n++)
        {
            double mean = 0;
            for (int j = 0; j < Bands; j++) mean += seg[j * SegmentFrames + n];
            mean /= Bands;
            double ss = 0;
            for (int j = 0; j < Bands; j++) { double v = seg[j * SegmentFrames + n] -= mean; ss += v * v; }
            double inv = ss > 0 ? 1.0 / Math.Sqrt(ss) : 0;
            for (int j = 0; j < Bands; j++) seg[j * SegmentFrames + n] *= inv;
        }
    }

    /// <summary>sqrt(OBM |X|^2) per frame, frame-major [frames * 15]; frames start at 0, 128, ... &lt; N - 256.</summary>
    private static double[] ThirdOctaveEnvelopes(double[] x)
    {
        var (lo, hi) = ThirdOctaveBins();
        var w = MatlabHanning(FrameLength);
        int hop = FrameLength / 2;
        int frames = x.Length > FrameLength ? (x.Length - FrameLength - 1) / hop + 1 : 0;
        var fft = new RealFft(FftSize);
        var frame = new double[FftSize];
        var spec = new Complex[FftSize / 2 + 1];
        var scratch = new Complex[fft.ScratchLength];
        var result = new double[frames * Bands];
        for (int t = 0; t < frames; t++)
        {
            for (int i = 0; i < FrameLength; i++) frame[i] = w[i] * x[t * hop + i];
            fft.Forward(frame, spec, scratch);
            for (int j = 0; j < Bands; j++)
            {
                double acc = 0;
                for (int k = lo[j]; k < hi[j]; k++) acc += spec[k].Real * spec[k].Real + spec[k].Imaginary * spec[k].Imaginary;
                result[t * Bands + j] = Math.Sqrt(acc);
            }
        }
        return result;
    }

    // pystoi `thirdoct`: band j covers FFT bins [fl, fh) where fl, fh are the bins nearest to
    // 150 * 2^((2j -+ 1)/6) Hz on the 10 kHz, 512-point grid.
    private static (int[] Lo, int[] Hi) ThirdOctaveBins()
    {
        int bins = FftSize / 2 + 1;
        var f = new double[bins];
        for (int k = 0; k < bins; k++) f[k] = (double)Rate * k / FftSize; // np.linspace(0, fs, nfft + 1)[:nfft/2+1]
        var lo = new int[Bands]; var hi = new int[Bands];
        for (int j = 0; j < Bands; j++)
        {
            lo[j] = Nearest(f, MinFrequency * Math.Pow(2.0, (2.0 * j - 1) / 6));
            hi[j] = Nearest(f, MinFrequency * Math.Pow(2.0, (2.0 * j + 1) / 6));
        }
        return (lo, hi);
    }

    private static int Nearest(double[] f, double target)
    {
        int best = 0;
        for (int k = 1; k < f.Length; k++)
            if ((f[k] - target) * (f[k] - target) < (f[best] - target) * (f[best] - target)) best = k;
        return best;
    }

    /// <summary>MATLAB hanning(n) = numpy.hanning(n + 2)[1:-1].</summary>
    private static double[] MatlabHanning(int n)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * (i + 1) / (n + 1));
        return w;
    }

    /// <summary>pystoi `remove_silent_frames`: frames of the clean signal below max - 40 dB are dropped from both
    /// signals, the kept (windowed) frames overlap-added back at hop 128.</summary>
    private static (double[], double[]) RemoveSilentFrames(double[] x, double[] y)
    {
        int len = FrameLength, hop = len / 2;
        var w = MatlabHanning(len);
        int frames = x.Length > len ? (x.Length - len - 1) / hop + 1 : 0;
        if (frames == 0) throw new MetricUnavailableException("signal shorter than one STOI frame (25.6 ms at 10 kHz)");
        var energy = new double[frames];
        double max = double.NegativeInfinity;
        for (int t = 0; t < frames; t++)
        {
            double ss = 0;
            for (int i = 0; i < len; i++) { double v = w[i] * x[t * hop + i]; ss += v * v; }
            energy[t] = 20 * Math.Log10(Math.Sqrt(ss) + Eps);
            max = Math.Max(max, energy[t]);
        }
        var keep = new List<int>();
        for (int t = 0; t < frames; t++) if (max - DynamicRange - energy[t] < 0) keep.Add(t);
        int outLen = (keep.Count - 1) * hop + len;
        var xs = new double[outLen]; var ys = new double[outLen];
        for (int i = 0; i < keep.Count; i++)
        {
            int src = keep[i] * hop, dst = i * hop;
            for (int k = 0; k < len; k++)
            {
                xs[dst + k] += w[k] * x[src + k];
                ys[dst + k] += w[k] * y[src + k];
            }
        }
        return (xs, ys);
    }

    private static double[] ToDouble(ReadOnlySpan<float> s)
    {
        var d = new double[s.Length];
        for (int i = 0; i < s.Length; i++) d[i] = s[i];
        return d;
    }
}
