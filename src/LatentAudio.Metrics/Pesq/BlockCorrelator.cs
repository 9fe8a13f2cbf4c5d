using System.Numerics;
using LatentAudio.Dsp;

namespace LatentAudio.Metrics.P862;

/// <summary>
/// One step of the fine time alignment (P.862 §10.3.3): the circular cross-correlation of a Hann-windowed block of
/// the reference and of the degraded signal (reference `time_align`/`split_align` inner loop). Produces |r[k]| per
/// lag k and the threshold 0.99·max above which a lag counts as a peak.
/// </summary>
/// <remarks>
/// Both real blocks share one complex FFT of length N; the real correlation is brought back with one complex FFT of
/// length N/2 (even samples in the real part, odd samples in the imaginary part).
/// </remarks>
internal sealed class BlockCorrelator
{
    private readonly int _n, _half;
    private readonly float[] _window;
    private readonly Complex[] _z, _c, _twiddle, _products;
    private readonly FftPlan _full, _halfPlan;

    public BlockCorrelator(int n, PesqFft fft)
    {
        _n = n; _half = n / 2;
        _window = new float[n];
        for (int i = 0; i < n; i++) _window[i] = (float)(0.5 * (1.0 - Math.Cos(2 * Math.PI * i / n)));
        _z = new Complex[n];
        _c = new Complex[_half];
        _products = new Complex[_half + 1];
        _twiddle = new Complex[_half];
        for (int k = 0; k < _half; k++) _twiddle[k] = Complex.FromPolarCoordinates(0.5, 2 * Math.PI * k / n);
        _full = fft.Plan(n);
        _halfPlan = fft.Plan(_half);
        Magnitude = new float[n];
    }

    public int Length => _n;
    public float[] Magnitude { get; }

    /// <summary>Correlates the blocks starting at <paramref name="refStart"/> and <paramref name="degStart"/>; returns 0.99·max|r|.</summary>
    public float Correlate(float[] reference, int refStart, float[] degraded, int degStart)
    {
        int n = _n, half = _half;
        var z = _z;
        for (int i = 0; i < n; i++)
            z[i] = new Complex(reference[refStart + i] * _window[i], degraded[degStart + i] * _window[i]);
        _full.Forward(z);

        // P_k = conj(A_k)·B_k with A_k = (Z_k + conj Z_{-k})/2, B_k = (Z_k − conj Z_{-k})/(2i).
        // r = IFFT_N(P) is real: with E_k = P_k + P_{k+N/2} and O_k = (P_k − P_{k+N/2})·e^{2πik/N},
        // r[2j] + i·r[2j+1] = IFFT_{N/2}((E + iO)/2)[j]. The inverse is taken as conj(FFT(conj(·)))/(N/2).
        // P is Hermitian (r is real): P_{k+N/2} = conj(P_{N/2-k}), so only P_0..P_{N/2} are formed.
        var products = _products;
        for (int k = 0; k <= half; k++) products[k] = Product(z, k, n);
        for (int k = 0; k < half; k++)
        {
            var p = products[k];
            var q = Complex.Conjugate(products[half - k]);
            var e = p + q;
            var o = (p - q) * _twiddle[k];
            var ck = 0.5 * e + new Complex(-o.Imaginary, o.Real);
            _c[k] = Complex.Conjugate(ck);
        }
        _halfPlan.Forward(_c);
        double scale = 1.0 / half;
        float max = 0f;
        var mag = Magnitude;
        for (int j = 0; j < half; j++)
        {
            float even = (float)Math.Abs(_c[j].Real * scale);
            float odd = (float)Math.Abs(_c[j].Imaginary * scale);
            mag[2 * j] = even;
            mag[2 * j + 1] = odd;
            if (even > max) max = even;
            if (odd > max) max = odd;
        }
        return max * 0.99f;
    }

    private static Complex Product(Complex[] z, int k, int n)
    {
        var zk = z[k];
        var zm = Complex.Conjugate(z[(n - k) & (n - 1)]);
        var a = (zk + zm) * 0.5;
        var d = zk - zm;
        var b = new Complex(0.5 * d.Imaginary, -0.5 * d.Real);
        return Complex.Conjugate(a) * b;
    }
}
