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
/// <remarks>
/// Cache use (the butterflies are the plain radix-2 ones, each computed with the same operands and operations as a
/// stage-by-stage loop, so the output is bit for bit that loop's): after the bit reversal, the stages up to
/// <see cref="BlockSize"/> points touch only their own block, so each block goes through all of them while it sits in
/// the L2 cache (depth first; Bailey 1990, "FFTs in external or hierarchical memory", and FFTW's recursive
/// decomposition rest on the same observation); the longer stages are taken two per pass over the array (a radix-2^2
/// grouping of the same butterflies: the four values k, k + h, k + 2h, k + 3h of a length-4h group go through the
/// length-2h and then the length-4h butterfly before being stored). A 2^20-point transform then makes 5 passes over
/// its 16 MB (permutation, blocks, 3 stage pairs) instead of 20, and takes half the time (159 -> 78 ms on
/// the Zen 1 machine, best of 9).
/// </remarks>
internal static class InterleavedRadix2
{
    /// <summary>Points per cache block: 2^14 complex values are 256 kB, which with their 128 kB of twiddles stay in a
    /// 512 kB L2 (Zen 1 and later). 2^12 and 2^13 measured no faster on that machine.</summary>
    private const int BlockSize = 1 << 14;

    public static void Run(Span<Complex> a, ReadOnlySpan<int> bitReverse, ReadOnlySpan<Complex> stageTwiddles)
    {
        int n = a.Length;
        Permute(a, bitReverse);
        // Butterflies on raw doubles through refs (no bounds checks, no Complex operator calls), about 3x faster than
        // the straightforward version.
        ref Complex a0 = ref MemoryMarshal.GetReference(a);
        ref Complex tw = ref MemoryMarshal.GetReference(stageTwiddles);
        int block = Math.Min(n, BlockSize);
        for (int start = 0; start < n; start += block) ShortStages(ref Unsafe.Add(ref a0, start), block, ref tw);
        int half = block;
        for (; 2 * half < n; half <<= 2) StagePair(ref a0, n, half, ref tw);
        if (half < n) Stage(ref a0, n, half, ref Unsafe.Add(ref tw, half - 1));
    }

    /// <summary>
    /// The bit-reversal swaps, visited tile by tile: with i = (hi, mid, lo) in bit fields of TileBits, m and TileBits
    /// bits, its partner is (rev lo, rev mid, rev hi), so the 2^TileBits rows of 2^TileBits consecutive values of
    /// tile mid are exchanged with the same-shaped tile rev(mid), and both (64 kB each) stay in cache while it
    /// happens (a linear sweep instead touches a new cache line for nearly every partner: Carter and Gatlin 1998,
    /// "Towards an optimal bit-reversal permutation program"). Every pair is still swapped once (j &gt; i), so the
    /// result is the same permutation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Permute(Span<Complex> a, ReadOnlySpan<int> bitReverse)
    {
        const int TileBits = 6;
        int n = a.Length, bits = BitOperations.Log2((uint)n);
        int m = bits - 2 * TileBits;
        if (m < 1)
        {
            for (int i = 0; i < n; i++)
            {
                int j = bitReverse[i];
                if (j > i) (a[i], a[j]) = (a[j], a[i]);
            }
            return;
        }
        for (int mid = 0; mid < 1 << m; mid++)
            for (int hi = 0; hi < 1 << TileBits; hi++)
            {
                int row = (hi << (m + TileBits)) | (mid << TileBits);
                for (int lo = 0; lo < 1 << TileBits; lo++)
                {
                    int i = row | lo, j = bitReverse[i];
                    if (j > i) (a[i], a[j]) = (a[j], a[i]);
                }
            }
    }

    // AggressiveOptimization on the loop methods: they are entered many times per transform (once per block and stage),
    // so tier-0 code (Butterfly not inlined) would run for the first transforms of a process, which are all a metrics
    // run makes.
    /// <summary>Every stage of length up to <paramref name="n"/> on the n values at <paramref name="a0"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShortStages(ref Complex a0, int n, ref Complex tw)
    {
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
        for (int half = n >= 4 ? 4 : 1; half < n; half <<= 1) Stage(ref a0, n, half, ref Unsafe.Add(ref tw, half - 1));
    }

    /// <summary>The butterflies of length 2·<paramref name="half"/> over n values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Stage(ref Complex a0, int n, int half, ref Complex tw)
    {
        for (int start = 0; start < n; start += 2 * half)
        {
            ref Complex p = ref Unsafe.Add(ref a0, start);
            ref Complex q = ref Unsafe.Add(ref a0, start + half);
            for (int k = 0; k < half; k++)
                Butterfly(ref Unsafe.Add(ref p, k), ref Unsafe.Add(ref q, k), Unsafe.Add(ref tw, k));
        }
    }

    /// <summary>The stages of length 2h and 4h (h = <paramref name="half"/>) in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StagePair(ref Complex a0, int n, int half, ref Complex tw)
    {
        ref Complex w1 = ref Unsafe.Add(ref tw, half - 1);     // length 2h
        ref Complex w2 = ref Unsafe.Add(ref tw, 2 * half - 1); // length 4h
        for (int start = 0; start < n; start += 4 * half)
        {
            ref Complex p0 = ref Unsafe.Add(ref a0, start);
            ref Complex p1 = ref Unsafe.Add(ref p0, half);
            ref Complex p2 = ref Unsafe.Add(ref p0, 2 * half);
            ref Complex p3 = ref Unsafe.Add(ref p0, 3 * half);
            for (int k = 0; k < half; k++)
            {
                Complex x0 = Unsafe.Add(ref p0, k), x1 = Unsafe.Add(ref p1, k);
                Complex x2 = Unsafe.Add(ref p2, k), x3 = Unsafe.Add(ref p3, k);
                Complex w = Unsafe.Add(ref w1, k);
                Butterfly(ref x0, ref x1, w);
                Butterfly(ref x2, ref x3, w);
                Butterfly(ref x0, ref x2, Unsafe.Add(ref w2, k));
                Butterfly(ref x1, ref x3, Unsafe.Add(ref w2, k + half));
                Unsafe.Add(ref p0, k) = x0; Unsafe.Add(ref p1, k) = x1;
                Unsafe.Add(ref p2, k) = x2; Unsafe.Add(ref p3, k) = x3;
            }
        }
    }

    /// <summary>x, y ← x + w·y, x − w·y (the product in System.Numerics.Complex's operation order).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly(ref Complex x, ref Complex y, Complex w)
    {
        double yr = y.Real, yi = y.Imaginary;
        double vr = yr * w.Real - yi * w.Imaginary, vi = yr * w.Imaginary + yi * w.Real;
        double ur = x.Real, ui = x.Imaginary;
        x = new Complex(ur + vr, ui + vi);
        y = new Complex(ur - vr, ui - vi);
    }
}
