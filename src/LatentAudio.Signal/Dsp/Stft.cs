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
        var result = new Complex[FrameCountPadded(signal.Length)][];
        Forward(signal, result);
        return result;
    }

    /// <summary>
    /// <see cref="Forward(ReadOnlySpan{float})"/> into <paramref name="result"/> (its rows reused when they have
    /// <see cref="StftConfig.Bins"/> values). Frames t and t + 1 go through one complex FFT as real and imaginary
    /// part and are separated by conjugate symmetry (X_k = (Z_k + conj Z_{n-k}) / 2, Y_k = (Z_k - conj Z_{n-k}) / 2i):
    /// half the transforms, on the split re/im path. Returns the frame count.
    /// </summary>
    public int Forward(ReadOnlySpan<float> signal, Complex[][] result)
    {
        var padded = PadSignal(signal);
        int n = Config.NFft, bins = Config.Bins, hop = Config.Hop;
        int frames = padded.Length < n ? 0 : (padded.Length - n) / hop + 1;
        if (result.Length < frames) throw new ArgumentException($"room for {result.Length} frames, {frames} needed");
        var re = new double[n];
        var im = new double[n];
        for (int t = 0; t < frames; t += 2)
        {
            bool pair = t + 1 < frames;
            var first = padded.AsSpan(t * hop, n);
            var second = pair ? padded.AsSpan((t + 1) * hop, n) : default;
            for (int i = 0; i < n; i++)
            {
                re[i] = first[i] * _window[i];
                im[i] = pair ? second[i] * _window[i] : 0;
            }
            _plan.Forward(re, im);
            var x = result[t] is { } rx && rx.Length == bins ? rx : result[t] = new Complex[bins];
            var y = pair ? (result[t + 1] is { } ry && ry.Length == bins ? ry : result[t + 1] = new Complex[bins]) : null;
            for (int k = 0; k < bins; k++)
            {
                int c = k == 0 ? 0 : n - k;
                x[k] = new Complex(0.5 * (re[k] + re[c]), 0.5 * (im[k] - im[c]));
                if (y is not null) y[k] = new Complex(0.5 * (im[k] + im[c]), 0.5 * (re[c] - re[k]));
            }
        }
        return frames;
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
    /// the centre padding), trimmed or zero-extended to <paramref name="length"/> samples. Each frame's spectrum is
    /// taken as that of a real signal (bins 0 and N/2 by their real parts, as an inverse FFT's real part would), so
    /// frames t and t + 1 share one complex inverse FFT: Z = X + iY gives x = Re z, y = Im z.
    /// </summary>
    public float[] Inverse(Complex[][] spectrum, int length) => Inverse(spectrum, spectrum.Length, length);

    /// <summary><see cref="Inverse(Complex[][], int)"/> of the first <paramref name="frames"/> rows.</summary>
    public float[] Inverse(Complex[][] spectrum, int frames, int length)
    {
        int n = Config.NFft, hop = Config.Hop;
        int total = n + hop * Math.Max(0, frames - 1);
        var y = new double[total];
        var wsum = new double[total];
        var re = new double[n];
        var im = new double[n];
        for (int t = 0; t < frames; t += 2)
        {
            var a = spectrum[t];
            var b = t + 1 < frames ? spectrum[t + 1] : null;
            // Z_k = X_k + i Y_k and, for the mirror bin, Z_{n-k} = conj X_k + i conj Y_k.
            re[0] = a[0].Real;
            im[0] = b is null ? 0 : b[0].Real;
            int upper = n / 2 + (n % 2);
            for (int k = 1; k < upper; k++)
            {
                double xr = a[k].Real, xi = a[k].Imaginary, yr = 0, yi = 0;
                if (b is not null) { yr = b[k].Real; yi = b[k].Imaginary; }
                re[k] = xr - yi; im[k] = xi + yr;
                re[n - k] = xr + yi; im[n - k] = yr - xi;
            }
            if (n % 2 == 0) { re[n / 2] = a[n / 2].Real; im[n / 2] = b is null ? 0 : b[n / 2].Real; }
            _plan.Inverse(re, im);
            OverlapAdd(re, t * hop, y, wsum);
            if (b is not null) OverlapAdd(im, (t + 1) * hop, y, wsum);
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

    private void OverlapAdd(ReadOnlySpan<double> frame, int start, double[] y, double[] wsum)
    {
        for (int i = 0; i < frame.Length; i++)
        {
            y[start + i] += frame[i] * _window[i];
            wsum[start + i] += _window[i] * _window[i];
        }
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
