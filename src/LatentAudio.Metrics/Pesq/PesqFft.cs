using System.Numerics;
using LatentAudio.Dsp;

namespace LatentAudio.Metrics.P862;

/// <summary>
/// Real-signal FFT helpers over <see cref="FftPlan"/> for one PESQ computation (plans cached per size; the object
/// is not shared between threads). Forward transforms are unscaled, inverse ones scaled by 1/N.
/// </summary>
internal sealed class PesqFft
{
    private readonly Dictionary<int, FftPlan> _plans = [];
    private Complex[] _buffer = [];
    private Complex[] _product = [];

    public FftPlan Plan(int n)
    {
        if (!_plans.TryGetValue(n, out var plan)) _plans[n] = plan = new FftPlan(n);
        return plan;
    }

    public static int NextPow2(int x)
    {
        int c = 1;
        while (c < x) c <<= 1;
        return c;
    }

    /// <summary>A scratch buffer of at least <paramref name="n"/> values, zeroed.</summary>
    public Span<Complex> Scratch(int n)
    {
        if (_buffer.Length < n) _buffer = new Complex[n];
        var s = _buffer.AsSpan(0, n);
        s.Clear();
        return s;
    }

    /// <summary>
    /// Circular cross-correlation r[k] = Σ a[m]·b[m+k] (indices mod n) of two real length-n blocks, computed as
    /// IFFT(conj(A)·B). Both blocks are packed into one complex transform.
    /// </summary>
    public void CrossCorrelate(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        int n = result.Length;
        var z = Scratch(n);
        for (int i = 0; i < a.Length && i < n; i++) z[i] = new Complex(a[i], 0);
        for (int i = 0; i < b.Length && i < n; i++) z[i] = new Complex(z[i].Real, b[i]);
        var plan = Plan(n);
        plan.Forward(z);
        if (_product.Length < n) _product = new Complex[n];
        var q = _product.AsSpan(0, n);
        // Unpack A_k = (Z_k + conj Z_{-k})/2, B_k = (Z_k - conj Z_{-k})/(2i) and form P_k = conj(A_k)·B_k.
        // The correlation is real, so r = Re(IFFT(P)) = Re(FFT(conj P))/n: store conj P and run a forward FFT.
        for (int k = 0; k < n; k++)
        {
            var zk = z[k];
            var zm = Complex.Conjugate(z[(n - k) & (n - 1)]);
            var ak = (zk + zm) * 0.5;
            var bk = (zk - zm) * new Complex(0, -0.5);
            q[k] = Complex.Conjugate(Complex.Conjugate(ak) * bk);
        }
        plan.Forward(q);
        double scale = 1.0 / n;
        for (int i = 0; i < n; i++) result[i] = q[i].Real * scale;
    }
}
