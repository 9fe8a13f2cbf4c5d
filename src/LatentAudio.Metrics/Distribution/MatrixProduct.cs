using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LatentAudio.Metrics.Distribution;

/// <summary>
/// C = A Bᵀ for row-major A (m × k) and B (p × k): every element a dot product of two contiguous rows, so no
/// operand is ever walked by column. Blocked as a GEMM is (Goto &amp; van de Geijn 2008, "Anatomy of high-performance
/// matrix multiplication"; Golub &amp; Van Loan §1.5): the k range in slices of <see cref="SliceK"/> (a row slice is
/// 2 kB), the rows of A in panels of <see cref="PanelRows"/> (a panel slice ≈ 128 kB, kept in L2) swept against
/// four rows of B at a time (8 kB, kept in L1), with a 2 × 4 register block of partial sums (eight Vector256
/// accumulators) so each loaded vector is used two or four times.
/// </summary>
internal static class MatrixProduct
{
    private const int SliceK = 256, PanelRows = 64;

    /// <summary>
    /// c (m × p, overwritten) = a bᵀ; with <paramref name="lowerOnly"/> only the elements j ≤ i are guaranteed (the
    /// product is known to be symmetric), which halves the work; some elements above the diagonal are written too.
    /// </summary>
    public static void MultiplyTransposed(ReadOnlySpan<double> a, int m, ReadOnlySpan<double> b, int p, int k, Span<double> c, bool lowerOnly = false)
    {
        if (a.Length < m * k || b.Length < p * k || c.Length < m * p) throw new ArgumentException("matrix sizes do not match");
        c[..(m * p)].Clear();
        for (int k0 = 0; k0 < k; k0 += SliceK)
        {
            int kl = Math.Min(SliceK, k - k0);
            for (int i0 = 0; i0 < m; i0 += PanelRows)
            {
                int iEnd = Math.Min(m, i0 + PanelRows);
                int jEnd = lowerOnly ? Math.Min(p, iEnd) : p;
                for (int j = 0; j < jEnd; j += 4)
                {
                    int jl = Math.Min(4, jEnd - j);
                    for (int i = lowerOnly ? Math.Max(i0, j) : i0; i < iEnd; i += 2)
                    {
                        int il = Math.Min(2, iEnd - i);
                        if (il == 2 && jl == 4 && Vector256.IsHardwareAccelerated)
                            Block2x4(a.Slice(i * k + k0), a.Slice((i + 1) * k + k0), b, j * k + k0, k, kl, c.Slice(i * p + j), c.Slice((i + 1) * p + j));
                        else
                            for (int ii = i; ii < i + il; ii++)
                                for (int jj = j; jj < j + jl; jj++)
                                    c[ii * p + jj] += Kernels.Dot(a.Slice(ii * k + k0, kl), b.Slice(jj * k + k0, kl));
                    }
                }
            }
        }
    }

    // Two rows of A against four rows of B (each starting kl long at b0 + r·stride): eight running sums, added to c0/c1.
    private static void Block2x4(ReadOnlySpan<double> a0, ReadOnlySpan<double> a1, ReadOnlySpan<double> b, int b0, int stride, int kl,
        Span<double> c0, Span<double> c1)
    {
        ref double ra0 = ref MemoryMarshal.GetReference(a0[..kl]);
        ref double ra1 = ref MemoryMarshal.GetReference(a1[..kl]);
        ref double rb0 = ref MemoryMarshal.GetReference(b.Slice(b0, kl));
        ref double rb1 = ref MemoryMarshal.GetReference(b.Slice(b0 + stride, kl));
        ref double rb2 = ref MemoryMarshal.GetReference(b.Slice(b0 + 2 * stride, kl));
        ref double rb3 = ref MemoryMarshal.GetReference(b.Slice(b0 + 3 * stride, kl));
        Vector256<double> s00 = default, s01 = default, s02 = default, s03 = default;
        Vector256<double> s10 = default, s11 = default, s12 = default, s13 = default;
        int t = 0;
        for (; t <= kl - 4; t += 4)
        {
            var x0 = Vector256.LoadUnsafe(ref ra0, (nuint)t);
            var x1 = Vector256.LoadUnsafe(ref ra1, (nuint)t);
            var y = Vector256.LoadUnsafe(ref rb0, (nuint)t);
            s00 = Kernels.Madd(x0, y, s00); s10 = Kernels.Madd(x1, y, s10);
            y = Vector256.LoadUnsafe(ref rb1, (nuint)t);
            s01 = Kernels.Madd(x0, y, s01); s11 = Kernels.Madd(x1, y, s11);
            y = Vector256.LoadUnsafe(ref rb2, (nuint)t);
            s02 = Kernels.Madd(x0, y, s02); s12 = Kernels.Madd(x1, y, s12);
            y = Vector256.LoadUnsafe(ref rb3, (nuint)t);
            s03 = Kernels.Madd(x0, y, s03); s13 = Kernels.Madd(x1, y, s13);
        }
        double t00 = Vector256.Sum(s00), t01 = Vector256.Sum(s01), t02 = Vector256.Sum(s02), t03 = Vector256.Sum(s03);
        double t10 = Vector256.Sum(s10), t11 = Vector256.Sum(s11), t12 = Vector256.Sum(s12), t13 = Vector256.Sum(s13);
        for (; t < kl; t++)
        {
            double x0 = a0[t], x1 = a1[t];
            double y0 = b[b0 + t], y1 = b[b0 + stride + t], y2 = b[b0 + 2 * stride + t], y3 = b[b0 + 3 * stride + t];
            t00 += x0 * y0; t01 += x0 * y1; t02 += x0 * y2; t03 += x0 * y3;
            t10 += x1 * y0; t11 += x1 * y1; t12 += x1 * y2; t13 += x1 * y3;
        }
        c0[0] += t00; c0[1] += t01; c0[2] += t02; c0[3] += t03;
        c1[0] += t10; c1[1] += t11; c1[2] += t12; c1[3] += t13;
    }
}
