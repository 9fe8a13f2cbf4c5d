using System.Numerics.Tensors;

namespace LatentAudio.Metrics.Intelligibility;

/// <summary>
/// pystoi's resampler (mpariente/pystoi `pystoi/utils.py` `_resample_window_oct` / `resample_oct`, a port of
/// Octave's `resample` design) so that STOI sees exactly the 10 kHz signal pystoi sees: a Kaiser-windowed sinc with
/// 60 dB rejection (beta = 0.1102 (60 - 8.7)), cutoff 1/(2 max(p, q)), roll-off a tenth of it, length
/// 2 ceil(52 / (28.714 roll-off)) + 1, normalised to unit sum, then applied as scipy.signal.resample_poly(x, p, q,
/// window=h) does (scipy 1.10 `signal/_signaltools.py`: gain p, zero-padded so output sample 0 sits on input 0,
/// zero boundary, output length ceil(N p / q)).
/// </summary>
public sealed class OctaveResampler
{
    private readonly int _up, _down, _prePad, _preRemove;
    private readonly double[] _h; // up * window, with the pre-padding zeros

    public OctaveResampler(int toRate, int fromRate)
    {
        int g = Gcd(toRate, fromRate);
        _up = toRate / g; _down = fromRate / g;
        int p = _up, q = _down;
        const double Log10Rejection = -3.0;
        double stopband = 1.0 / (2 * Math.Max(p, q));
        double rollOff = stopband / 10;
        double rejectionDb = -20 * Log10Rejection;
        int l = (int)Math.Ceiling((rejectionDb - 8) / (28.714 * rollOff));
        double beta = rejectionDb > 50 ? 0.1102 * (rejectionDb - 8.7)
            : rejectionDb >= 21 ? 0.5842 * Math.Pow(rejectionDb - 21, 0.4) + 0.07886 * (rejectionDb - 21) : 0.0;
        int taps = 2 * l + 1;
        var h = new double[taps];
        double sum = 0;
        for (int i = 0; i < taps; i++)
        {
            double t = i - l;
            h[i] = Kaiser(i, taps, beta) * 2 * p * stopband * Sinc(2 * stopband * t);
            sum += h[i];
        }
        int halfLen = (taps - 1) / 2;
        _prePad = _down - halfLen % _down;
        _preRemove = (halfLen + _prePad) / _down;
        _h = new double[_prePad + taps];
        for (int i = 0; i < taps; i++) _h[_prePad + i] = h[i] / sum * _up;
    }

    public static int OutputLength(int n, int up, int down) => (int)(((long)n * up + down - 1) / down);

    public double[] Process(ReadOnlySpan<double> x)
    {
        if (_up == _down) return x.ToArray();
        int nOut = OutputLength(x.Length, _up, _down);
        var y = new double[nOut];
        // Polyphase form of upfirdn output m = i + preRemove: with pos = m*down, phase = pos mod up and
        // base = pos div up, y = sum_r h[phase + up r] x[base - r] over the valid input range. Each phase is stored
        // reversed, so the sum is one contiguous dot product: g[r] at index len - 1 - r meets x[base - r].
        var phases = Phases();
        for (int i = 0; i < nOut; i++)
        {
            long pos = (long)(i + _preRemove) * _down;
            var g = phases[(int)(pos % _up)];
            int baseIndex = (int)(pos / _up);
            int rMax = Math.Min(g.Length - 1, baseIndex), rMin = Math.Max(0, baseIndex - (x.Length - 1));
            int count = rMax - rMin + 1;
            y[i] = count <= 0 ? 0 : TensorPrimitives.Dot(g.AsSpan(g.Length - 1 - rMax, count), x.Slice(baseIndex - rMax, count));
        }
        return y;
    }

    /// <summary>The polyphase components of h, each reversed (see <see cref="Process"/>).</summary>
    private double[][] Phases()
    {
        var phases = new double[_up][];
        for (int p = 0; p < _up; p++)
        {
            int count = p < _h.Length ? (_h.Length - p + _up - 1) / _up : 0;
            var g = new double[count];
            for (int r = 0; r < count; r++) g[count - 1 - r] = _h[p + _up * r];
            phases[p] = g;
        }
        return phases;
    }

    // numpy.kaiser(M, beta)[n] = I0(beta sqrt(1 - (2n/(M-1) - 1)^2)) / I0(beta)
    private static double Kaiser(int n, int m, double beta)
    {
        double r = 2.0 * n / (m - 1) - 1;
        return BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - r * r))) / BesselI0(beta);
    }

    private static double BesselI0(double x)
    {
        // Power series sum (x/2)^(2k) / (k!)^2; converges to full double precision for the betas used here.
        double term = 1, sum = 1, q = x * x / 4;
        for (int k = 1; k < 500; k++)
        {
            term *= q / ((double)k * k);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return sum;
    }

    private static double Sinc(double x) => x == 0 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
