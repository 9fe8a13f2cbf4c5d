using System.Numerics;
using System.Runtime.Intrinsics;

namespace LatentAudio.Dsp;

public enum PadMode { Reflect, Constant }

/// <summary>
/// STFT settings in torch.stft / librosa terms. The window (periodic Hann of <see cref="WinLength"/>) is centred
/// inside an <see cref="NFft"/> frame; with <see cref="Center"/> the signal is padded by NFft/2 on both sides.
/// Frames = floor(N / hop) + 1 when centred.
/// </summary>
public sealed record StftConfig(int NFft, int Hop, int WinLength, bool Center = true, PadMode Pad = PadMode.Reflect)
{
    public int Bins => NFft / 2 + 1;

    public int FrameCount(int samples) =>
        Center ? samples / Hop + 1 : samples < NFft ? 0 : (samples - NFft) / Hop + 1;
}

/// <summary>One frame of <see cref="Stft.ForEachMagnitudePair"/>: |A_t| and |B_t| (valid during the call only).</summary>
public delegate void MagnitudePairVisitor(int frame, ReadOnlySpan<double> a, ReadOnlySpan<double> b);

/// <summary>Short-time Fourier transform in float64 (FFT-based), with its inverse for Griffin-Lim.</summary>
public sealed class Stft
{
    private readonly FftPlan _plan;
    private readonly double[] _window; // length NFft (zero outside the centred WinLength part)

    public Stft(StftConfig config)
    {
        if (config.WinLength > config.NFft || config.Hop <= 0) throw new ArgumentException("invalid STFT configuration");
        Config = config;
        _plan = new FftPlan(config.NFft);
        _window = new double[config.NFft];
        int offset = (config.NFft - config.WinLength) / 2;
        var hann = Windows.HannPeriodic(config.WinLength);
        Array.Copy(hann, 0, _window, offset, hann.Length);
    }

    public StftConfig Config { get; }
    public ReadOnlySpan<double> Window => _window;

    /// <summary>Complex spectrogram, frame-major: result[t][k], k in 0..NFft/2.</summary>
    public Complex[][] Forward(ReadOnlySpan<float> signal)
    {
        var padded = PadSignal(signal);
        int n = Config.NFft;
        int frames = padded.Length < n ? 0 : (padded.Length - n) / Config.Hop + 1;
        var result = new Complex[frames][];
        var buf = new Complex[n];
        for (int t = 0; t < frames; t++)
        {
            int start = t * Config.Hop;
            for (int i = 0; i < n; i++) buf[i] = new Complex(padded[start + i] * _window[i], 0);
            _plan.Forward(buf);
            result[t] = buf.AsSpan(0, Config.Bins).ToArray();
        }
        return result;
    }

    /// <summary>|STFT|, frame-major [T][Bins].</summary>
    public double[][] Magnitude(ReadOnlySpan<float> signal)
    {
        var spec = Forward(signal);
        var mag = new double[spec.Length][];
        for (int t = 0; t < spec.Length; t++)
        {
            var row = new double[spec[t].Length];
            for (int k = 0; k < row.Length; k++) row[k] = spec[t][k].Magnitude;
            mag[t] = row;
        }
        return mag;
    }

    /// <summary>
    /// |STFT| of two equally long signals at once, as flat frame-major arrays (see <see cref="ForEachMagnitudePair"/>).
    /// </summary>
    public (double[] A, double[] B) MagnitudePair(ReadOnlySpan<float> a, ReadOnlySpan<float> b, out int frames)
    {
        int bins = Config.Bins;
        frames = FrameCountPadded(a.Length);
        var ra = new double[frames * bins];
        var rb = new double[frames * bins];
        ForEachMagnitudePair(a, b, (t, ma, mb) =>
        {
            ma.CopyTo(ra.AsSpan(t * bins, bins));
            mb.CopyTo(rb.AsSpan(t * bins, bins));
        });
        return (ra, rb);
    }

    /// <summary>
    /// |STFT| of two equally long signals frame by frame, handed to <paramref name="visit"/> (the spans are reused
    /// for the next frame, so a caller that only reduces them keeps no spectrogram). Frame t of <paramref name="a"/>
    /// is the real part and of <paramref name="b"/> the imaginary part of one complex FFT, and the two spectra are
    /// separated by conjugate symmetry (|A_k| = |Z_k + conj Z_{n-k}| / 2, |B_k| = |Z_k - conj Z_{n-k}| / 2). Half
    /// the FFT work of two separate transforms at any size, including odd (Bluestein) ones. Returns the frame count.
    /// </summary>
    public int ForEachMagnitudePair(ReadOnlySpan<float> a, ReadOnlySpan<float> b, MagnitudePairVisitor visit)
    {
        if (a.Length != b.Length) throw new ArgumentException("MagnitudePair needs equally long signals");
        int n = Config.NFft, bins = Config.Bins, hop = Config.Hop, len = a.Length;
        int pad = Config.Center ? n / 2 : 0;
        if (Config.Center && Config.Pad == PadMode.Reflect && len <= pad) throw ReflectTooShort(len, pad);
        int frames = FrameCountPadded(len);
        var re = new double[n];
        var im = new double[n];
        var ma = new double[bins];
        var mb = new double[bins];
        var edgeA = new float[n];
        var edgeB = new float[n];
        for (int t = 0; t < frames; t++)
        {
            // Frames are read from the signal itself; only the few that reach into the padding get a padded copy.
            int start = t * hop - pad;
            bool inside = start >= 0 && start + n <= len;
            if (!inside) { PaddedFrame(a, start, edgeA); PaddedFrame(b, start, edgeB); }
            _plan.ForwardWindowed(inside ? a.Slice(start, n) : edgeA, inside ? b.Slice(start, n) : edgeB, _window, re, im);
            SeparateMagnitudes(re, im, ma, mb);
            visit(t, ma, mb);
        }
        return frames;
    }

    /// <summary>Samples start .. start + frame.Length of the padded signal (reflect or zero padding).</summary>
    private void PaddedFrame(ReadOnlySpan<float> signal, int start, Span<float> frame)
    {
        int len = signal.Length;
        bool reflect = Config.Pad == PadMode.Reflect;
        for (int i = 0; i < frame.Length; i++)
        {
            int j = start + i;
            frame[i] = j >= 0 && j < len ? signal[j]
                : !reflect ? 0f
                : signal[j < 0 ? -j : 2 * (len - 1) - j];
        }
    }

    private static InvalidInputException ReflectTooShort(int len, int p) =>
        new($"signal of {len} samples is too short for reflect padding of {p} (needs more than {p})");

    /// <summary>Frames <see cref="ForEachMagnitudePair"/> gives for a signal of <paramref name="samples"/> (for odd
    /// NFft one fewer than <see cref="StftConfig.FrameCount"/> may say when centred).</summary>
    public int FrameCountPadded(int samples)
    {
        int padded = Config.Center ? samples + 2 * (Config.NFft / 2) : samples;
        return padded < Config.NFft ? 0 : (padded - Config.NFft) / Config.Hop + 1;
    }

    // |A_k| and |B_k| from Z = FFT(a + i b): A_k = (Z_k + conj Z_{n-k}) / 2, B_k = (Z_k - conj Z_{n-k}) / 2i.
    private static void SeparateMagnitudes(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<double> ma, Span<double> mb)
    {
        int n = re.Length, bins = ma.Length, k = 1;
        ma[0] = 0.5 * Math.Sqrt(4 * re[0] * re[0]); // Z_0 pairs with itself: |A_0| = |Re Z_0|, |B_0| = |Im Z_0|
        mb[0] = 0.5 * Math.Sqrt(4 * im[0] * im[0]);
        if (Vector256.IsHardwareAccelerated)
        {
            // Four bins k..k+3 against the reversed block n-k-3..n-k of their mirror bins.
            var reverse = Vector256.Create(3L, 2, 1, 0);
            var half = Vector256.Create(0.5);
            for (; k + 3 < bins; k += 4)
            {
                var zr = Vector256.Create(re.Slice(k, 4));
                var zi = Vector256.Create(im.Slice(k, 4));
                var cr = Vector256.Shuffle(Vector256.Create(re.Slice(n - k - 3, 4)), reverse);
                var ci = Vector256.Shuffle(Vector256.Create(im.Slice(n - k - 3, 4)), reverse);
                var sr = zr + cr; var si = zi - ci;
                var dr = zr - cr; var di = zi + ci;
                (half * Vector256.Sqrt(sr * sr + si * si)).CopyTo(ma.Slice(k, 4));
                (half * Vector256.Sqrt(dr * dr + di * di)).CopyTo(mb.Slice(k, 4));
            }
        }
        for (; k < bins; k++)
        {
            int c = n - k;
            double sr = re[k] + re[c], si = im[k] - im[c];
            double dr = re[k] - re[c], di = im[k] + im[c];
            ma[k] = 0.5 * Math.Sqrt(sr * sr + si * si);
            mb[k] = 0.5 * Math.Sqrt(dr * dr + di * di);
        }
    }

    /// <summary>
    /// Inverse STFT by weighted overlap-add (torch.istft semantics: divides by the summed squared window, removes
    /// the centre padding), trimmed or zero-extended to <paramref name="length"/> samples.
    /// </summary>
    public float[] Inverse(Complex[][] spectrum, int length)
    {
        int n = Config.NFft, hop = Config.Hop, frames = spectrum.Length;
        int total = n + hop * Math.Max(0, frames - 1);
        var y = new double[total];
        var wsum = new double[total];
        var buf = new Complex[n];
        for (int t = 0; t < frames; t++)
        {
            var half = spectrum[t];
            buf[0] = half[0];
            for (int k = 1; k < n / 2 + (n % 2); k++) { buf[k] = half[k]; buf[n - k] = Complex.Conjugate(half[k]); }
            if (n % 2 == 0) buf[n / 2] = half[n / 2];
            _plan.Inverse(buf);
            int start = t * hop;
            for (int i = 0; i < n; i++)
            {
                y[start + i] += buf[i].Real * _window[i];
                wsum[start + i] += _window[i] * _window[i];
            }
        }
        int offset = Config.Center ? n / 2 : 0;
        var result = new float[length];
        for (int i = 0; i < length; i++)
        {
            int j = i + offset;
            if (j >= total) break;
            result[i] = wsum[j] > 1e-11 ? (float)(y[j] / wsum[j]) : 0f;
        }
        return result;
    }

    private double[] PadSignal(ReadOnlySpan<float> signal)
    {
        if (!Config.Center)
        {
            var plain = new double[signal.Length];
            for (int i = 0; i < signal.Length; i++) plain[i] = signal[i];
            return plain;
        }
        int p = Config.NFft / 2, len = signal.Length;
        var padded = new double[len + 2 * p];
        for (int i = 0; i < len; i++) padded[p + i] = signal[i];
        if (Config.Pad == PadMode.Reflect)
        {
            if (len <= p) throw ReflectTooShort(len, p);
            for (int i = 1; i <= p; i++)
            {
                padded[p - i] = signal[i];
                padded[p + len - 1 + i] = signal[len - 1 - i];
            }
        }
        return padded;
    }
}

public static class Windows
{
    /// <summary>Periodic Hann of length n (scipy.signal.get_window("hann", n, fftbins=True), torch.hann_window(n)).</summary>
    public static double[] HannPeriodic(int n)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / n);
        return w;
    }
}
