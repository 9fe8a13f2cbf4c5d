using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LatentAudio.Dsp;

/// <summary>
/// Radix-2 FFT in place on interleaved <see cref="Complex"/> values (the <see cref="FftPlan.Forward(Span{Complex})"/>
/// path). Kept beside the split SIMD kernel because for transforms far larger than the cache (PESQ's and ViSQOL's
/// whole-signal correlations, 2^20 points) the interleaved layout's bit-reversal pass touches half as many cache lines,
/// and converting to split arrays and back would cost more than the SIMD butterflies save.
/// </summary>
internal static class InterleavedRadix2
{
    public static void Run(Span<Complex> a, ReadOnlySpan<int> bitReverse, ReadOnlySpan<Complex> stageTwiddles)
    {
        int n = a.Length;
        for (int i = 0; i < n; i++)
        {
            int j = bitReverse[i];
            if (j > i) (a[i], a[j]) = (a[j], a[i]);
        }
        // Butterflies on raw doubles through refs (no bounds checks, no Complex operator calls), about 3x faster than
        // the straightforward version.
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
            ref Complex tw = ref Unsafe.AsRef(in stageTwiddles[half - 1]);
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
}
