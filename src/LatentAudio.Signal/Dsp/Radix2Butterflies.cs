using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LatentAudio.Dsp;

/// <summary>
/// The butterfly passes of an iterative radix-2 decimation-in-time FFT on split real/imaginary arrays whose input is
/// already in bit-reversed order. From length-8 stages on, 4 (or 8) butterflies run at once in SIMD registers; the
/// arithmetic per butterfly is the same multiply/add sequence as the scalar form (no fused multiply-add), so the
/// result does not depend on the vector width the machine offers.
/// </summary>
internal static class Radix2Butterflies
{
    /// <param name="twRe">Real parts of e^{-2 pi i k / len} for k &lt; len/2 at offset len/2 - 1, every stage.</param>
    /// <param name="firstTwoStagesDone">The length-2 and length-4 stages were already applied (by
    /// <see cref="FftPlan.ForwardWindowed"/>, which fuses them with loading the frame).</param>
    public static void Run(Span<double> re, Span<double> im, ReadOnlySpan<double> twRe, ReadOnlySpan<double> twIm, bool firstTwoStagesDone = false)
    {
        int n = re.Length;
        if (n < 2) return;
        ref double r0 = ref MemoryMarshal.GetReference(re);
        ref double i0 = ref MemoryMarshal.GetReference(im);
        if (n == 2)
        {
            double ar = r0, ai = i0, br = Unsafe.Add(ref r0, 1), bi = Unsafe.Add(ref i0, 1);
            r0 = ar + br; i0 = ai + bi;
            Unsafe.Add(ref r0, 1) = ar - br; Unsafe.Add(ref i0, 1) = ai - bi;
            return;
        }
        if (!firstTwoStagesDone) FirstTwoStages(ref r0, ref i0, n);
        ref double wr0 = ref MemoryMarshal.GetReference(twRe);
        ref double wi0 = ref MemoryMarshal.GetReference(twIm);
        for (int half = 4; half < n; half <<= 1)
        {
            ref double wr = ref Unsafe.Add(ref wr0, half - 1);
            ref double wi = ref Unsafe.Add(ref wi0, half - 1);
            if (Vector512.IsHardwareAccelerated && half >= 8) Stage512(ref r0, ref i0, ref wr, ref wi, n, half);
            else if (Vector256.IsHardwareAccelerated) Stage256(ref r0, ref i0, ref wr, ref wi, n, half);
            else StageScalar(ref r0, ref i0, ref wr, ref wi, n, half);
        }
    }

    // Stages of length 2 and 4 merged: their twiddles are 1 and -i, so no multiplications.
    private static void FirstTwoStages(ref double re, ref double im, int n)
    {
        for (int s = 0; s < n; s += 4)
        {
            ref double pr = ref Unsafe.Add(ref re, s);
            ref double pi = ref Unsafe.Add(ref im, s);
            FirstTwoStagesOfFour(ref pr, ref pi, pr, pi, Unsafe.Add(ref pr, 1), Unsafe.Add(ref pi, 1),
                Unsafe.Add(ref pr, 2), Unsafe.Add(ref pi, 2), Unsafe.Add(ref pr, 3), Unsafe.Add(ref pi, 3));
        }
    }

    /// <summary>The length-2 and length-4 butterflies of four bit-reversed-ordered values x0..x3, written to
    /// pr[0..4], pi[0..4].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FirstTwoStagesOfFour(ref double pr, ref double pi, double x0r, double x0i, double x1r, double x1i,
        double x2r, double x2i, double x3r, double x3i)
    {
        double s0r = x0r + x1r, s0i = x0i + x1i, d0r = x0r - x1r, d0i = x0i - x1i;
        double s1r = x2r + x3r, s1i = x2i + x3i, d1r = x2r - x3r, d1i = x2i - x3i;
        pr = s0r + s1r; pi = s0i + s1i;
        Unsafe.Add(ref pr, 2) = s0r - s1r; Unsafe.Add(ref pi, 2) = s0i - s1i;
        // (d1r + i d1i) * (-i) = d1i - i d1r
        Unsafe.Add(ref pr, 1) = d0r + d1i; Unsafe.Add(ref pi, 1) = d0i - d1r;
        Unsafe.Add(ref pr, 3) = d0r - d1i; Unsafe.Add(ref pi, 3) = d0i + d1r;
    }

    private static void Stage256(ref double re, ref double im, ref double wr, ref double wi, int n, int half)
    {
        for (int start = 0; start < n; start += 2 * half)
        {
            ref double pr = ref Unsafe.Add(ref re, start);
            ref double pi = ref Unsafe.Add(ref im, start);
            ref double qr = ref Unsafe.Add(ref pr, half);
            ref double qi = ref Unsafe.Add(ref pi, half);
            for (int k = 0; k < half; k += 4)
            {
                var cr = Vector256.LoadUnsafe(ref wr, (nuint)k);
                var ci = Vector256.LoadUnsafe(ref wi, (nuint)k);
                var yr = Vector256.LoadUnsafe(ref qr, (nuint)k);
                var yi = Vector256.LoadUnsafe(ref qi, (nuint)k);
                var vr = yr * cr - yi * ci;
                var vi = yr * ci + yi * cr;
                var ur = Vector256.LoadUnsafe(ref pr, (nuint)k);
                var ui = Vector256.LoadUnsafe(ref pi, (nuint)k);
                (ur + vr).StoreUnsafe(ref pr, (nuint)k);
                (ui + vi).StoreUnsafe(ref pi, (nuint)k);
                (ur - vr).StoreUnsafe(ref qr, (nuint)k);
                (ui - vi).StoreUnsafe(ref qi, (nuint)k);
            }
        }
    }

    private static void Stage512(ref double re, ref double im, ref double wr, ref double wi, int n, int half)
    {
        for (int start = 0; start < n; start += 2 * half)
        {
            ref double pr = ref Unsafe.Add(ref re, start);
            ref double pi = ref Unsafe.Add(ref im, start);
            ref double qr = ref Unsafe.Add(ref pr, half);
            ref double qi = ref Unsafe.Add(ref pi, half);
            for (int k = 0; k < half; k += 8)
            {
                var cr = Vector512.LoadUnsafe(ref wr, (nuint)k);
                var ci = Vector512.LoadUnsafe(ref wi, (nuint)k);
                var yr = Vector512.LoadUnsafe(ref qr, (nuint)k);
                var yi = Vector512.LoadUnsafe(ref qi, (nuint)k);
                var vr = yr * cr - yi * ci;
                var vi = yr * ci + yi * cr;
                var ur = Vector512.LoadUnsafe(ref pr, (nuint)k);
                var ui = Vector512.LoadUnsafe(ref pi, (nuint)k);
                (ur + vr).StoreUnsafe(ref pr, (nuint)k);
                (ui + vi).StoreUnsafe(ref pi, (nuint)k);
                (ur - vr).StoreUnsafe(ref qr, (nuint)k);
                (ui - vi).StoreUnsafe(ref qi, (nuint)k);
            }
        }
    }

    private static void StageScalar(ref double re, ref double im, ref double wr, ref double wi, int n, int half)
    {
        for (int start = 0; start < n; start += 2 * half)
        {
            ref double pr = ref Unsafe.Add(ref re, start);
            ref double pi = ref Unsafe.Add(ref im, start);
            ref double qr = ref Unsafe.Add(ref pr, half);
            ref double qi = ref Unsafe.Add(ref pi, half);
            for (int k = 0; k < half; k++)
            {
                double cr = Unsafe.Add(ref wr, k), ci = Unsafe.Add(ref wi, k);
                double yr = Unsafe.Add(ref qr, k), yi = Unsafe.Add(ref qi, k);
                double vr = yr * cr - yi * ci, vi = yr * ci + yi * cr;
                double ur = Unsafe.Add(ref pr, k), ui = Unsafe.Add(ref pi, k);
                Unsafe.Add(ref pr, k) = ur + vr; Unsafe.Add(ref pi, k) = ui + vi;
                Unsafe.Add(ref qr, k) = ur - vr; Unsafe.Add(ref qi, k) = ui - vi;
            }
        }
    }

    /// <summary>
    /// Decimation-in-frequency radix-2 passes: natural-order input, bit-reversed output (the mirror of
    /// <see cref="Run"/>, same twiddle table). Used where a transform's output only feeds a pointwise product and
    /// then the DIT transform, so that neither needs a permutation.
    /// </summary>
    public static void RunDecimationInFrequency(Span<double> re, Span<double> im, ReadOnlySpan<double> twRe, ReadOnlySpan<double> twIm)
    {
        int n = re.Length;
        if (n < 2) return;
        ref double r0 = ref MemoryMarshal.GetReference(re);
        ref double i0 = ref MemoryMarshal.GetReference(im);
        ref double wr0 = ref MemoryMarshal.GetReference(twRe);
        ref double wi0 = ref MemoryMarshal.GetReference(twIm);
        for (int half = n / 2; half >= 4; half >>= 1)
        {
            ref double wr = ref Unsafe.Add(ref wr0, half - 1);
            ref double wi = ref Unsafe.Add(ref wi0, half - 1);
            for (int start = 0; start < n; start += 2 * half)
            {
                ref double pr = ref Unsafe.Add(ref r0, start);
                ref double pi = ref Unsafe.Add(ref i0, start);
                ref double qr = ref Unsafe.Add(ref pr, half);
                ref double qi = ref Unsafe.Add(ref pi, half);
                for (int k = 0; k < half; k += 4)
                {
                    var ur = Vector256.LoadUnsafe(ref pr, (nuint)k);
                    var ui = Vector256.LoadUnsafe(ref pi, (nuint)k);
                    var vr = Vector256.LoadUnsafe(ref qr, (nuint)k);
                    var vi = Vector256.LoadUnsafe(ref qi, (nuint)k);
                    var cr = Vector256.LoadUnsafe(ref wr, (nuint)k);
                    var ci = Vector256.LoadUnsafe(ref wi, (nuint)k);
                    (ur + vr).StoreUnsafe(ref pr, (nuint)k);
                    (ui + vi).StoreUnsafe(ref pi, (nuint)k);
                    var dr = ur - vr; var di = ui - vi;
                    (dr * cr - di * ci).StoreUnsafe(ref qr, (nuint)k);
                    (dr * ci + di * cr).StoreUnsafe(ref qi, (nuint)k);
                }
            }
        }
        if (n == 2)
        {
            double ar = r0, ai = i0, br = Unsafe.Add(ref r0, 1), bi = Unsafe.Add(ref i0, 1);
            r0 = ar + br; i0 = ai + bi;
            Unsafe.Add(ref r0, 1) = ar - br; Unsafe.Add(ref i0, 1) = ai - bi;
            return;
        }
        // Last two stages (lengths 4 and 2) merged: twiddles 1 and -i.
        for (int s = 0; s < n; s += 4)
        {
            ref double pr = ref Unsafe.Add(ref r0, s);
            ref double pi = ref Unsafe.Add(ref i0, s);
            double x0r = pr, x1r = Unsafe.Add(ref pr, 1), x2r = Unsafe.Add(ref pr, 2), x3r = Unsafe.Add(ref pr, 3);
            double x0i = pi, x1i = Unsafe.Add(ref pi, 1), x2i = Unsafe.Add(ref pi, 2), x3i = Unsafe.Add(ref pi, 3);
            double a0r = x0r + x2r, a0i = x0i + x2i, a2r = x0r - x2r, a2i = x0i - x2i;
            double a1r = x1r + x3r, a1i = x1i + x3i;
            double a3r = x1i - x3i, a3i = x3r - x1r; // (x1 - x3) * (-i)
            pr = a0r + a1r; pi = a0i + a1i;
            Unsafe.Add(ref pr, 1) = a0r - a1r; Unsafe.Add(ref pi, 1) = a0i - a1i;
            Unsafe.Add(ref pr, 2) = a2r + a3r; Unsafe.Add(ref pi, 2) = a2i + a3i;
            Unsafe.Add(ref pr, 3) = a2r - a3r; Unsafe.Add(ref pi, 3) = a2i - a3i;
        }
    }

    /// <summary>(cr + i ci) = (ar + i ai)(br + i bi) elementwise; the outputs may be the inputs.</summary>
    public static void ComplexMultiply(ReadOnlySpan<double> ar, ReadOnlySpan<double> ai, ReadOnlySpan<double> br, ReadOnlySpan<double> bi,
        Span<double> cr, Span<double> ci)
    {
        int n = ar.Length, k = 0;
        for (; k + 4 <= n; k += 4)
        {
            var xr = Vector256.Create(ar.Slice(k, 4)); var xi = Vector256.Create(ai.Slice(k, 4));
            var yr = Vector256.Create(br.Slice(k, 4)); var yi = Vector256.Create(bi.Slice(k, 4));
            (xr * yr - xi * yi).CopyTo(cr.Slice(k, 4));
            (xi * yr + xr * yi).CopyTo(ci.Slice(k, 4));
        }
        for (; k < n; k++)
        {
            double xr = ar[k], xi = ai[k], yr = br[k], yi = bi[k];
            cr[k] = xr * yr - xi * yi;
            ci[k] = xi * yr + xr * yi;
        }
    }
}
