using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LatentAudio.Dsp;

/// <summary>
/// Complex FFT of one fixed size, in float64: iterative radix-2 for powers of two, Bluestein's chirp-z for any
/// other size. Sign convention as numpy.fft: forward uses e^{-2 pi i k n / N}, inverse is scaled by 1/N.
/// Works on split real/imaginary arrays (SIMD butterflies, <see cref="Radix2Butterflies"/>); the
/// <see cref="Complex"/> overloads convert to and from them. Immutable after construction, so one plan may be
/// shared across threads.
/// </summary>
public sealed class FftPlan
{
    private readonly int _n;
    private readonly int[] _bitReverse = [];
    // radix-2: e^{-2 pi i k / len} for k < len/2 at offset len/2 - 1, every stage
    // Built on first use, so a plan used only through one API (PESQ's and ViSQOL's 2^20-point Complex transforms, or
    // an STFT's split frames) holds one table, not both.
    private readonly Lazy<(double[] Re, double[] Im)> _splitTwiddles;
    private readonly Lazy<Complex[]> _stageTwiddles; // the same, interleaved, for InterleavedRadix2
    private readonly FftPlan? _inner; // Bluestein: power-of-two plan of size m >= 2n-1
    private readonly double[] _chirpRe = [], _chirpIm = [];
    private readonly double[] _kernelRe = [], _kernelIm = []; // Bluestein: FFT(conj chirp) / m, bit-reversed order

    public FftPlan(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n));
        _n = n;
        _splitTwiddles = new(() =>
        {
            var re = new double[Math.Max(1, n - 1)];
            var im = new double[Math.Max(1, n - 1)];
            StageTwiddles(n, re, im);
            return (re, im);
        }, LazyThreadSafetyMode.PublicationOnly);
        _stageTwiddles = new(() =>
        {
            var w = new Complex[Math.Max(1, n - 1)];
            if (!BitOperations.IsPow2(n) || n < 2) return w; // used by radix-2 plans only
            // As StageTwiddles, into the interleaved table directly (no 2 x 8 MB temporaries for a 2^20-point plan).
            int last = n / 2;
            for (int k = 0; k < last; k++) { var (c, s) = Twiddle(k, last); w[last - 1 + k] = new Complex(c, s); }
            for (int half = 1; half < last; half <<= 1)
                for (int k = 0; k < half; k++) w[half - 1 + k] = w[last - 1 + k * (last / half)];
            return w;
        }, LazyThreadSafetyMode.PublicationOnly);
        if (BitOperations.IsPow2(n))
        {
            _bitReverse = new int[n];
            int bits = BitOperations.Log2((uint)n);
            for (int i = 0; i < n; i++) _bitReverse[i] = bits == 0 ? 0 : (int)(ReverseBits((uint)i) >> (32 - bits));
        }
        else
        {
            int m = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * n - 1));
            _inner = new FftPlan(m);
            _chirpRe = new double[n];
            _chirpIm = new double[n];
            for (int k = 0; k < n; k++)
            {
                // k^2 mod 2n keeps the angle exact for large k.
                long k2 = (long)k * k % (2L * n);
                double a = Math.PI * k2 / n;
                _chirpRe[k] = Math.Cos(a);
                _chirpIm[k] = -Math.Sin(a);
            }
            // b = conj(chirp), wrapped around so that the circular convolution of length m is the linear one.
            _kernelRe = new double[m];
            _kernelIm = new double[m];
            _kernelRe[0] = _chirpRe[0]; _kernelIm[0] = -_chirpIm[0];
            for (int k = 1; k < n; k++)
            {
                _kernelRe[k] = _kernelRe[m - k] = _chirpRe[k];
                _kernelIm[k] = _kernelIm[m - k] = -_chirpIm[k];
            }
            _inner.Forward(_kernelRe, _kernelIm);
            // Stored in bit-reversed order and scaled by 1/m (see Bluestein).
            var rev = _inner._bitReverse;
            var kr = new double[m];
            var ki = new double[m];
            for (int k = 0; k < m; k++) { kr[rev[k]] = _kernelRe[k] / m; ki[rev[k]] = _kernelIm[k] / m; }
            _kernelRe = kr;
            _kernelIm = ki;
        }
    }

    public int Size => _n;

    /// <summary>
    /// Every stage's twiddles e^{-2 pi i k / (2 half)} at offset half - 1. Only the last stage's (half = n/2) are
    /// evaluated; a smaller stage's k-th is the last stage's (k·n/(2 half))-th, bit for bit: the angle
    /// -pi·k/half is computed as (-pi·k)/half in doubles, and scaling k and half by the same power of two scales
    /// both roundings exactly. Halves the cos/sin calls (a 2^20-point plan spent ~40 ms on them).
    /// </summary>
    private static void StageTwiddles(int n, double[] re, double[] im)
    {
        if (n < 2) return;
        if (!BitOperations.IsPow2(n))
        {
            // Not used by a Bluestein plan (its inner plan has its own); filled the direct way all the same.
            for (int half = 1; half < n; half <<= 1)
                for (int k = 0; k < half; k++) (re[half - 1 + k], im[half - 1 + k]) = Twiddle(k, half);
            return;
        }
        int last = n / 2;
        for (int k = 0; k < last; k++) (re[last - 1 + k], im[last - 1 + k]) = Twiddle(k, last);
        for (int half = 1; half < last; half <<= 1)
        {
            int step = last / half;
            for (int k = 0; k < half; k++)
            {
                re[half - 1 + k] = re[last - 1 + k * step];
                im[half - 1 + k] = im[last - 1 + k * step];
            }
        }
    }

    // e^{-2 pi i k / (2 half)}
    private static (double Cos, double Sin) Twiddle(int k, int half)
    {
        double a = -Math.PI * k / half;
        return (Math.Cos(a), Math.Sin(a));
    }

    /// <summary>True for power-of-two sizes (radix-2; <see cref="ForwardBitReversed"/> is available).</summary>
    public bool IsRadix2 => _inner is null;

    /// <summary>Radix-2 only: input index i belongs at position BitReversal[i] before <see cref="ForwardBitReversed"/>.</summary>
    public ReadOnlySpan<int> BitReversal => _bitReverse;

    /// <summary>In-place forward transform.</summary>
    public void Forward(Span<Complex> data)
    {
        CheckLength(data.Length);
        if (_inner is null)
        {
            InterleavedRadix2.Run(data, _bitReverse, _stageTwiddles.Value);
            return;
        }
        var rented = ArrayPool<double>.Shared.Rent(2 * _n);
        var re = rented.AsSpan(0, _n);
        var im = rented.AsSpan(_n, _n);
        Split(data, re, im);
        Bluestein(re, im);
        Join(re, im, data);
        ArrayPool<double>.Shared.Return(rented);
    }

    /// <summary>In-place inverse transform, scaled by 1/N.</summary>
    public void Inverse(Span<Complex> data)
    {
        for (int i = 0; i < data.Length; i++) data[i] = Complex.Conjugate(data[i]);
        Forward(data);
        double s = 1.0 / _n;
        for (int i = 0; i < data.Length; i++) data[i] = Complex.Conjugate(data[i]) * s;
    }

    /// <summary>In-place forward transform of split real and imaginary parts.</summary>
    public void Forward(Span<double> re, Span<double> im)
    {
        CheckLength(re.Length);
        CheckLength(im.Length);
        if (_inner is null)
        {
            for (int i = 0; i < _n; i++)
            {
                int j = _bitReverse[i];
                if (j > i)
                {
                    (re[i], re[j]) = (re[j], re[i]);
                    (im[i], im[j]) = (im[j], im[i]);
                }
            }
            Radix2Butterflies.Run(re, im, _splitTwiddles.Value.Re, _splitTwiddles.Value.Im);
        }
        else Bluestein(re, im);
    }

    /// <summary>Radix-2 only: the forward transform of data already placed in bit-reversed order (see
    /// <see cref="BitReversal"/>), result in natural order. Saves the permutation pass when the caller fills the
    /// buffer anyway (an STFT frame).</summary>
    public void ForwardBitReversed(Span<double> re, Span<double> im)
    {
        if (_inner is not null) throw new InvalidOperationException($"FFT of size {_n} is not radix-2");
        CheckLength(re.Length);
        CheckLength(im.Length);
        Radix2Butterflies.Run(re, im, _splitTwiddles.Value.Re, _splitTwiddles.Value.Im);
    }

    /// <summary>
    /// Transform of the frame (<paramref name="real"/> + i <paramref name="imag"/>) * <paramref name="window"/>
    /// (all of length N) into <paramref name="re"/>, <paramref name="im"/>. For radix-2 sizes, loading the frame,
    /// the bit-reversal permutation and the first two butterfly stages are one pass: the four samples r, r + N/2,
    /// r + N/4, r + 3N/4 are exactly the inputs of the length-4 block at BitReversal[r] (r &lt; N/4).
    /// </summary>
    public void ForwardWindowed(ReadOnlySpan<float> real, ReadOnlySpan<float> imag, ReadOnlySpan<double> window, Span<double> re, Span<double> im)
    {
        CheckLength(real.Length);
        CheckLength(imag.Length);
        CheckLength(window.Length);
        CheckLength(re.Length);
        CheckLength(im.Length);
        if (_inner is not null || _n < 4)
        {
            for (int i = 0; i < _n; i++) { re[i] = real[i] * window[i]; im[i] = imag[i] * window[i]; }
            Forward(re, im);
            return;
        }
        int q = _n / 4;
        ref double r0 = ref MemoryMarshal.GetReference(re);
        ref double i0 = ref MemoryMarshal.GetReference(im);
        for (int r = 0; r < q; r++)
        {
            int a = r, b = r + 2 * q, c = r + q, d = r + 3 * q; // the block's inputs in bit-reversed order
            int p = _bitReverse[r];
            Radix2Butterflies.FirstTwoStagesOfFour(ref Unsafe.Add(ref r0, p), ref Unsafe.Add(ref i0, p),
                real[a] * window[a], imag[a] * window[a], real[b] * window[b], imag[b] * window[b],
                real[c] * window[c], imag[c] * window[c], real[d] * window[d], imag[d] * window[d]);
        }
        Radix2Butterflies.Run(re, im, _splitTwiddles.Value.Re, _splitTwiddles.Value.Im, firstTwoStagesDone: true);
    }

    /// <summary>In-place inverse transform of split parts, scaled by 1/N.</summary>
    public void Inverse(Span<double> re, Span<double> im)
    {
        // Swapping the parts maps x to i conj(x), so DFT(swap x) = swap(conj DFT(conj x)) = swap(N IDFT(x)).
        Forward(im, re);
        double s = 1.0 / _n;
        for (int i = 0; i < _n; i++) { re[i] *= s; im[i] *= s; }
    }

    /// <summary>Spectrum bins 0..N/2 of a real signal of length N.</summary>
    public void ForwardReal(ReadOnlySpan<double> input, Span<Complex> halfSpectrum, Span<Complex> scratch)
    {
        for (int i = 0; i < _n; i++) scratch[i] = new Complex(i < input.Length ? input[i] : 0, 0);
        Forward(scratch[.._n]);
        scratch[..(_n / 2 + 1)].CopyTo(halfSpectrum);
    }

    // x * chirp convolved with conj(chirp) by two inner transforms that never permute: the first is decimation in
    // frequency (bit-reversed output), the pointwise product with the kernel (stored bit-reversed) stays in that
    // order, and the inverse is the decimation-in-time forward transform of the re/im swap (see Inverse), its 1/m
    // already folded into the kernel.
    private void Bluestein(Span<double> re, Span<double> im)
    {
        int m = _inner!.Size;
        var rented = ArrayPool<double>.Shared.Rent(2 * m);
        var ar = rented.AsSpan(0, m);
        var ai = rented.AsSpan(m, m);
        Radix2Butterflies.ComplexMultiply(re, im, _chirpRe, _chirpIm, ar[.._n], ai[.._n]);
        ar[_n..].Clear();
        ai[_n..].Clear();
        var (twRe, twIm) = _inner._splitTwiddles.Value;
        Radix2Butterflies.RunDecimationInFrequency(ar, ai, twRe, twIm);
        // Product written swapped: ar <- Im, ai <- Re.
        Radix2Butterflies.ComplexMultiply(ar, ai, _kernelRe, _kernelIm, ai, ar);
        _inner.ForwardBitReversed(ar, ai);
        Radix2Butterflies.ComplexMultiply(ai[.._n], ar[.._n], _chirpRe, _chirpIm, re, im);
        ArrayPool<double>.Shared.Return(rented);
    }

    // The operation order of System.Numerics.Complex's operator *.
    private static void ComplexMultiply(double ar, double ai, double br, double bi, out double cr, out double ci)
    {
        cr = ar * br - ai * bi;
        ci = ai * br + ar * bi;
    }

    private static void Split(ReadOnlySpan<Complex> data, Span<double> re, Span<double> im)
    {
        var flat = MemoryMarshal.Cast<Complex, double>(data);
        for (int i = 0; i < re.Length; i++) { re[i] = flat[2 * i]; im[i] = flat[2 * i + 1]; }
    }

    private static void Join(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<Complex> data)
    {
        var flat = MemoryMarshal.Cast<Complex, double>(data);
        for (int i = 0; i < re.Length; i++) { flat[2 * i] = re[i]; flat[2 * i + 1] = im[i]; }
    }

    private void CheckLength(int length)
    {
        if (length != _n) throw new ArgumentException($"FFT of size {_n} given {length} values");
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
