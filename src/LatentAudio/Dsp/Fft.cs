using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LatentAudio.Dsp;

/// <summary>
/// Complex FFT of one fixed size, in float64: iterative radix-2 for powers of two, Bluestein's chirp-z for any
/// other size. Sign convention as numpy.fft: forward uses e^{-2 pi i k n / N}, inverse is scaled by 1/N.
/// Immutable after construction, so one plan may be shared across threads.
/// </summary>
public sealed class FftPlan
{
    private readonly int _n;
    private readonly int[] _bitReverse = [];
    private readonly Complex[] _stageTwiddles = []; // radix-2: e^{-2 pi i k / len} for k < len/2 at offset len/2 - 1
    private readonly FftPlan? _inner;           // Bluestein: power-of-two plan of size m >= 2n-1
    private readonly Complex[] _chirp = [], _chirpFft = [];

    public FftPlan(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        _n = n;
        if (BitOperations.IsPow2(n))
        {
            _stageTwiddles = new Complex[Math.Max(1, n - 1)];
            for (int half = 1; half < n; half <<= 1)
                for (int k = 0; k < half; k++)
                {
                    double a = -Math.PI * k / half;
                    _stageTwiddles[half - 1 + k] = new Complex(Math.Cos(a), Math.Sin(a));
                }
            _bitReverse = new int[n];
            int bits = BitOperations.Log2((uint)n);
            for (int i = 0; i < n; i++) _bitReverse[i] = bits == 0 ? 0 : (int)(ReverseBits((uint)i) >> (32 - bits));
        }
        else
        {
            int m = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * n - 1));
            _inner = new FftPlan(m);
            _chirp = new Complex[n];
            for (int k = 0; k < n; k++)
            {
                // k^2 mod 2n keeps the angle exact for large k.
                long k2 = (long)k * k % (2L * n);
                double a = Math.PI * k2 / n;
                _chirp[k] = new Complex(Math.Cos(a), -Math.Sin(a));
            }
            var b = new Complex[m];
            b[0] = Complex.Conjugate(_chirp[0]);
            for (int k = 1; k < n; k++) b[k] = b[m - k] = Complex.Conjugate(_chirp[k]);
            _inner.Forward(b);
            _chirpFft = b;
        }
    }

    public int Size => _n;

    /// <summary>In-place forward transform.</summary>
    public void Forward(Span<Complex> data)
    {
        if (data.Length != _n) throw new ArgumentException($"FFT of size {_n} given {data.Length} values");
        if (_inner is null) Radix2(data);
        else Bluestein(data);
    }

    /// <summary>In-place inverse transform, scaled by 1/N.</summary>
    public void Inverse(Span<Complex> data)
    {
        for (int i = 0; i < data.Length; i++) data[i] = Complex.Conjugate(data[i]);
        Forward(data);
        double s = 1.0 / _n;
        for (int i = 0; i < data.Length; i++) data[i] = Complex.Conjugate(data[i]) * s;
    }

    /// <summary>Spectrum bins 0..N/2 of a real signal of length N.</summary>
    public void ForwardReal(ReadOnlySpan<double> input, Span<Complex> halfSpectrum, Span<Complex> scratch)
    {
        for (int i = 0; i < _n; i++) scratch[i] = new Complex(i < input.Length ? input[i] : 0, 0);
        Forward(scratch[.._n]);
        scratch[..(_n / 2 + 1)].CopyTo(halfSpectrum);
    }

    private void Radix2(Span<Complex> a)
    {
        int n = _n;
        for (int i = 0; i < n; i++)
        {
            int j = _bitReverse[i];
            if (j > i) (a[i], a[j]) = (a[j], a[i]);
        }
        // Butterflies on raw doubles through refs (no bounds checks, no Complex operator calls): the hot loop of
        // every STFT in the metrics, where it is about 3x faster than the straightforward version.
        ref Complex a0 = ref MemoryMarshal.GetReference(a);
        if (n >= 4)
        {
            // Stages of length 2 and 4 merged: their twiddles are 1 and -i, so no multiplications.
            for (int s = 0; s < n; s += 4)
            {
                ref Complex p0 = ref Unsafe.Add(ref a0, s);
                Complex x0 = p0, x1 = Unsafe.Add(ref p0, 1), x2 = Unsafe.Add(ref p0, 2), x3 = Unsafe.Add(ref p0, 3);
                double s0r = x0.Real + x1.Real, s0i = x0.Imaginary + x1.Imaginary;
                double d0r = x0.Real - x1.Real, d0i = x0.Imaginary - x1.Imaginary;
                double s1r = x2.Real + x3.Real, s1i = x2.Imaginary + x3.Imaginary;
                double d1r = x2.Real - x3.Real, d1i = x2.Imaginary - x3.Imaginary;
                p0 = new Complex(s0r + s1r, s0i + s1i);
                Unsafe.Add(ref p0, 2) = new Complex(s0r - s1r, s0i - s1i);
                // (d1r + i d1i) * (-i) = d1i - i d1r
                Unsafe.Add(ref p0, 1) = new Complex(d0r + d1i, d0i - d1r);
                Unsafe.Add(ref p0, 3) = new Complex(d0r - d1i, d0i + d1r);
            }
        }
        for (int len = n >= 4 ? 8 : 2; len <= n; len <<= 1)
        {
            int half = len >> 1;
            ref Complex tw = ref _stageTwiddles[half - 1];
            for (int start = 0; start < n; start += len)
            {
                ref Complex p = ref Unsafe.Add(ref a0, start);
                ref Complex q = ref Unsafe.Add(ref a0, start + half);
                for (int k = 0; k < half; k++)
                {
                    Complex w = Unsafe.Add(ref tw, k);
                    ref Complex x = ref Unsafe.Add(ref p, k);
                    ref Complex y = ref Unsafe.Add(ref q, k);
                    double yr = y.Real, yi = y.Imaginary;
                    double vr = yr * w.Real - yi * w.Imaginary, vi = yr * w.Imaginary + yi * w.Real;
                    double ur = x.Real, ui = x.Imaginary;
                    x = new Complex(ur + vr, ui + vi);
                    y = new Complex(ur - vr, ui - vi);
                }
            }
        }
    }

    private void Bluestein(Span<Complex> data)
    {
        int m = _inner!.Size;
        var rented = ArrayPool<Complex>.Shared.Rent(m);
        var buf = rented.AsSpan(0, m);
        buf.Clear();
        for (int k = 0; k < _n; k++) buf[k] = data[k] * _chirp[k];
        _inner.Forward(buf);
        for (int k = 0; k < m; k++) buf[k] *= _chirpFft[k];
        _inner.Inverse(buf);
        for (int k = 0; k < _n; k++) data[k] = buf[k] * _chirp[k];
        ArrayPool<Complex>.Shared.Return(rented);
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
