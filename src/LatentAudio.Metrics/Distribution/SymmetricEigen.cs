using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LatentAudio.Metrics.Distribution;

/// <summary>
/// Eigen-decomposition of a real symmetric matrix in double, stored flat row-major: Householder reduction to
/// tridiagonal form, then the implicit QL iteration — EISPACK tred2/tql2 (Bowdler, Martin, Reinsch, Wilkinson,
/// Handbook for Automatic Computation Vol. II; as in JAMA's EigenvalueDecomposition and Numerical Recipes 3rd ed.
/// §11.3–11.4 tred2/tqli; Golub &amp; Van Loan, Matrix Computations 4th ed., Alg. 8.3.1 and §8.3.5). Symmetric input
/// keeps every eigenvalue real and the eigenvectors orthonormal, which is why the Fréchet distance uses only
/// symmetric products.
/// <para>
/// The loops are arranged for row-major memory (the textbook forms walk columns): only the lower triangle is read;
/// the reduction keeps each Householder vector in its row, so the symmetric product and the rank-2 update run along
/// contiguous row prefixes; the transformations are accumulated, and the QL rotations applied, to the transposed
/// eigenvector matrix, whose rows are contiguous. <see cref="ValuesOf"/> skips both (the O(n³) part of tql2 and the
/// accumulation), which is what the Fréchet distance needs for every set after the first. The eigenvalues of the two
/// paths are identical: the vectors never feed back into the iteration.
/// </para>
/// </summary>
public sealed class SymmetricEigen
{
    private readonly double[]? _vectorRows;

    private SymmetricEigen(double[] values, double[]? vectorRows) { Values = values; _vectorRows = vectorRows; }

    public int Size => Values.Length;
    /// <summary>Eigenvalues in ascending order.</summary>
    public double[] Values { get; }
    public bool HasVectors => _vectorRows is not null;

    /// <summary>The unit eigenvector of <see cref="Values"/>[<paramref name="j"/>] (needs the vectors).</summary>
    public ReadOnlySpan<double> Vector(int j)
    {
        if (_vectorRows is null) throw new InvalidOperationException("decomposed without eigenvectors");
        return _vectorRows.AsSpan(j * Size, Size);
    }

    /// <summary>All eigenvectors as the rows of one n × n row-major array (row j belongs to <see cref="Values"/>[j]).</summary>
    public ReadOnlySpan<double> VectorRows =>
        _vectorRows ?? throw new InvalidOperationException("decomposed without eigenvectors");

    /// <summary>Decomposes the symmetric n × n row-major <paramref name="a"/> (only its lower triangle is read; it is not modified).</summary>
    public static SymmetricEigen Of(ReadOnlySpan<double> a, int n, bool withVectors = true)
    {
        var work = CopyOf(a, n);
        var values = new double[n];
        DecomposeInPlace(work, n, values, withVectors);
        return new SymmetricEigen(values, withVectors ? work : null);
    }

    /// <summary>The eigenvalues alone, ascending (no eigenvector accumulation).</summary>
    public static double[] ValuesOf(ReadOnlySpan<double> a, int n)
    {
        var values = new double[n];
        DecomposeInPlace(CopyOf(a, n), n, values, withVectors: false);
        return values;
    }

    /// <summary>
    /// Eigenvalues of the symmetric n × n row-major <paramref name="a"/> (lower triangle read) into
    /// <paramref name="values"/>, ascending; <paramref name="a"/> is overwritten: with the eigenvectors as rows when
    /// <paramref name="withVectors"/>, with scratch otherwise. For callers whose matrix is already a scratch copy.
    /// </summary>
    internal static void DecomposeInPlace(Span<double> a, int n, Span<double> values, bool withVectors)
    {
        if (a.Length != n * n) throw new ArgumentException($"{a.Length} values are not a {n} x {n} matrix", nameof(a));
        if (values.Length != n) throw new ArgumentException("values has the wrong length", nameof(values));
        if (n == 0) return;
        var e = new double[n];
        var h = new double[n];
        Tridiagonalize(a, n, values, e, h);
        if (withVectors) AccumulateTransforms(a, n, values, h);
        else for (int i = 0; i < n; i++) values[i] = a[i * n + i];
        e[0] = 0.0;
        QlIterate(withVectors ? a : default, n, values, e);
    }

    private static double[] CopyOf(ReadOnlySpan<double> a, int n)
    {
        if (a.Length != n * n) throw new ArgumentException($"{a.Length} values are not a {n} x {n} matrix", nameof(a));
        return a.ToArray();
    }

    // tred2's reduction (Numerical Recipes tred2; Golub & Van Loan Alg. 8.3.1), last row first. Step i turns row i's
    // prefix x = A[i, 0..i) into u = x − ‖x‖e_{i−1} (scaled by Σ|x| first against over/underflow), H = uᵀu/2, and
    // applies P = I − uuᵀ/H to the leading i × i block: p = A u / H, K = uᵀp / 2H, q = p − K u,
    // A ← A − u qᵀ − q uᵀ. Only the lower triangle is kept, so A u walks row prefixes (a dot product for p[j], an axpy
    // for the mirrored upper part) and the update rewrites the same prefixes. The update of step i and the product of
    // step i − 1 are one pass: once row i − 1 is updated (it gives u of step i − 1), each lower row is updated and at
    // once multiplied, so the shrinking block is streamed once per step instead of twice — at n = 2048 it is far
    // larger than the caches, and the reduction is memory-bound. u stays in row i for the accumulation, H goes to
    // hs[i]; e[i] receives the subdiagonal element (i − 1, i). The diagonal is left in place.
    private static void Tridiagonalize(Span<double> a, int n, Span<double> scratch, Span<double> e, Span<double> hs)
    {
        var q = scratch;               // p, then q, of the step being finished
        Span<double> next = new double[n]; // p of the step after it, filled by the fused pass
        hs[0] = 0.0;
        if (n < 2) return;
        int i = n - 1;
        bool reduce = Householder(a.Slice(i * n, i), e, hs, i);
        if (reduce)
        {
            q[..i].Clear();
            for (int j = 0; j < i; j++) MultiplyRow(a.Slice(j * n, j + 1), a.Slice(i * n, i), q);
        }
        for (; i > 0; i--)
        {
            var u = a.Slice(i * n, i);
            var qi = q[..i];
            if (reduce)
            {
                double invH = 1.0 / hs[i];
                Kernels.Scale(qi, invH);
                double k = Kernels.Dot(u, qi) * (0.5 * invH);
                Kernels.Axpy(-k, u, qi); // q = p − K u, in place of p
            }
            if (i == 1) break;
            // Row i − 1 first: it is the next step's x.
            if (reduce) Kernels.SubtractRank2(a.Slice((i - 1) * n, i), u, q[i - 1], qi, u[i - 1]);
            var v = a.Slice((i - 1) * n, i - 1);
            bool reduceNext = Householder(v, e, hs, i - 1);
            var pn = next[..(i - 1)];
            if (reduceNext) pn.Clear();
            for (int j = 0; j < i - 1; j++)
            {
                var row = a.Slice(j * n, j + 1);
                if (reduce && reduceNext) UpdateAndMultiplyRow(row, u, q[j], qi, u[j], v, next);
                else if (reduce) Kernels.SubtractRank2(row, u, q[j], qi, u[j]);
                else if (reduceNext) MultiplyRow(row, v, next);
            }
            var swap = q; q = next; next = swap;
            reduce = reduceNext;
        }
    }

    // Step i's Householder vector from x = row prefix (length i), in place; sets e[i] and hs[i] (0: nothing to reduce).
    private static bool Householder(Span<double> x, Span<double> e, Span<double> hs, int i)
    {
        double scale = i > 1 ? Kernels.SumOfMagnitudes(x) : 0.0;
        if (scale == 0.0)
        {
            e[i] = x[i - 1]; // already tridiagonal in this row (or the 1 × 1 case): nothing to reduce
            hs[i] = 0.0;
            return false;
        }
        Kernels.Scale(x, 1.0 / scale);
        double h = Kernels.Dot(x, x);
        double f = x[i - 1];
        double g = f >= 0 ? -Math.Sqrt(h) : Math.Sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        x[i - 1] = f - g;
        hs[i] = h;
        return true;
    }

    // p[j] += A[j,0..j]·u[0..j]; p[0..j) += u[j] A[j,0..j) (the upper triangle by symmetry); row = A[j, 0..j].
    private static void MultiplyRow(ReadOnlySpan<double> row, ReadOnlySpan<double> u, Span<double> p)
    {
        int j = row.Length - 1;
        p[j] += Kernels.DotAndAxpy(row[..j], u, u[j], p[..j]) + row[j] * u[j];
    }

    // The rank-2 update of row = A[j, 0..j] by (u, q) (a = u[j], b = q[j]), then its part of the product with v into p.
    private static void UpdateAndMultiplyRow(Span<double> row, ReadOnlySpan<double> u, double b, ReadOnlySpan<double> q, double a,
        ReadOnlySpan<double> v, Span<double> p)
    {
        int j = row.Length - 1;
        double dot = Kernels.SubtractRank2DotAndAxpy(row[..j], u, b, q, a, v, v[j], p[..j]);
        row[j] -= a * q[j] + b * u[j];
        p[j] += dot + row[j] * v[j];
    }

    // tred2's accumulation Q = P_1 ⋯ P_{n−1}, built as Z = Qᵀ in place of the reduced matrix (its rows are then the
    // columns of Q, later the eigenvectors). Row j of Z is e_jᵀ P_{j+1} ⋯ P_{n−1} (tred2 multiplies the leading
    // i × i block by P_i at step i, and row j enters that block as e_j at step j): rows are independent, so they are
    // built a block of AccumulationRows at a time, each Householder vector u_i (read from row i, still unreached, or
    // from the copy of the block's own rows) applied to the whole block while it is in cache, instead of the whole
    // leading block being streamed once per i. Saves the tridiagonal diagonal into d first (it is overwritten).
    private const int AccumulationRows = 16;

    private static void AccumulateTransforms(Span<double> a, int n, Span<double> d, ReadOnlySpan<double> hs)
    {
        for (int i = 0; i < n; i++) d[i] = a[i * n + i];
        var own = new double[AccumulationRows * n];
        for (int j0 = 0; j0 < n; j0 += AccumulationRows)
        {
            int j1 = Math.Min(n, j0 + AccumulationRows);
            a[(j0 * n)..(j1 * n)].CopyTo(own);
            for (int j = j0; j < j1; j++)
            {
                var row = a.Slice(j * n, n);
                row.Clear();
                row[j] = 1.0;
            }
            for (int i = j0 + 1; i < n; i++)
            {
                if (hs[i] == 0.0) continue;
                ReadOnlySpan<double> u = i < j1 ? own.AsSpan((i - j0) * n, i) : a.Slice(i * n, i);
                double invH = 1.0 / hs[i];
                for (int j = j0, end = Math.Min(i, j1); j < end; j++)
                {
                    var z = a.Slice(j * n, i);
                    Kernels.Axpy(-Kernels.Dot(z, u) * invH, u, z);
                }
            }
        }
    }

    // tql2 (JAMA; EISPACK tql2; Numerical Recipes tqli): implicit QL with Wilkinson's shift on the tridiagonal (d, e),
    // e[i] the element (i − 1, i) on entry. Each plane rotation of rows (i, i + 1) of Z = Vᵀ is a contiguous pair of
    // rows. Then sorted ascending, rows following their values.
    private static void QlIterate(Span<double> z, int n, Span<double> d, Span<double> e)
    {
        bool vectors = !z.IsEmpty;
        var rotations = vectors ? new RotationBatch(n) : null;
        for (int i = 1; i < n; i++) e[i - 1] = e[i];
        e[n - 1] = 0.0;
        double f = 0.0, tst1 = 0.0;
        double eps = Math.Pow(2.0, -52.0);
        for (int l = 0; l < n; l++)
        {
            tst1 = Math.Max(tst1, Math.Abs(d[l]) + Math.Abs(e[l]));
            int m = l;
            while (m < n && Math.Abs(e[m]) > eps * tst1) m++;
            if (m == n) m = n - 1;
            if (m > l)
            {
                int iter = 0;
                do
                {
                    if (rotations is { Full: true }) rotations.ApplyTo(z);
                    rotations?.StartSweep(l, m);
                    if (++iter > 300) throw new InvalidOperationException("eigenvalue iteration did not converge");
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Hypot(p, 1.0);
                    if (p < 0) r = -r;
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) d[i] -= h;
                    f += h;
                    p = d[m];
                    double c = 1.0, c2 = c, c3 = c;
                    double el1 = e[l + 1];
                    double s = 0.0, s2 = 0.0;
                    for (int i = m - 1; i >= l; i--)
                    {
                        c3 = c2; c2 = c; s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = Hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        rotations?.Add(i, c, s);
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.Abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0.0;
        }
        rotations?.ApplyTo(z);
        for (int i = 0; i < n - 1; i++)
        {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++) if (d[j] < p) { k = j; p = d[j]; }
            if (k == i) continue;
            d[k] = d[i]; d[i] = p;
            if (vectors) Kernels.Swap(z.Slice(i * n, n), z.Slice(k * n, n));
        }
    }

    private static double Hypot(double a, double b)
    {
        double x = Math.Abs(a), y = Math.Abs(b);
        if (x < y) (x, y) = (y, x);
        if (x == 0) return 0;
        double t = y / x;
        return x * Math.Sqrt(1 + t * t);
    }
}

/// <summary>
/// The plane rotations of the QL sweeps, recorded instead of applied at once, then applied to the eigenvector rows
/// a slab of <see cref="SlabColumns"/> columns at a time: rotations mix two rows column by column, so each slab can
/// take every recorded sweep in order on its own (the delayed application of Van Zee, van de Geijn &amp;
/// Quintana-Ortí 2011, "Restructuring the tridiagonal and bidiagonal QR algorithms for performance"). The slab is
/// copied into a contiguous buffer first: its rows, n doubles apart in the matrix (16 kB at n = 2048), would all
/// fall in the same cache sets and pages, while the buffer (n × 16 doubles, 256 kB) stays in L2 for all
/// <see cref="MaxSweeps"/> sweeps (64 measured faster than 32 at n = 2048). Without this the rotations were most of a d = 2048 decomposition.
/// </summary>
internal sealed class RotationBatch(int n)
{
    private const int SlabColumns = 16, MaxSweeps = 64;
    private readonly int _n = n;
    private readonly double[] _c = new double[MaxSweeps * n], _s = new double[MaxSweeps * n];
    private readonly int[] _low = new int[MaxSweeps], _high = new int[MaxSweeps];
    private readonly double[] _slab = new double[n * SlabColumns];
    private int _sweeps;

    /// <summary>Starts a sweep rotating rows (i, i + 1) for i from <paramref name="m"/> − 1 down to <paramref name="l"/>.</summary>
    public void StartSweep(int l, int m)
    {
        if (_sweeps == MaxSweeps) throw new InvalidOperationException("apply the recorded sweeps first");
        _low[_sweeps] = l;
        _high[_sweeps] = m;
        _sweeps++;
    }

    public void Add(int i, double c, double s)
    {
        int at = (_sweeps - 1) * _n + i;
        _c[at] = c;
        _s[at] = s;
    }

    public bool Full => _sweeps == MaxSweeps;

    /// <summary>Applies every recorded sweep, in order, to the rows of <paramref name="z"/> (n × n row-major), and forgets them.</summary>
    public void ApplyTo(Span<double> z)
    {
        if (_sweeps == 0) return;
        int low = _low.AsSpan(0, _sweeps).ToArray().Min(), high = _high.AsSpan(0, _sweeps).ToArray().Max();
        for (int col = 0; col < _n; col += SlabColumns)
        {
            int width = Math.Min(SlabColumns, _n - col);
            if (width < SlabColumns || !Vector256.IsHardwareAccelerated)
            {
                for (int w = 0; w < _sweeps; w++)
                    for (int i = _high[w] - 1; i >= _low[w]; i--)
                        Kernels.Rotate(z.Slice(i * _n + col, width), z.Slice((i + 1) * _n + col, width), _c[w * _n + i], _s[w * _n + i]);
                continue;
            }
            for (int i = low; i <= high; i++) z.Slice(i * _n + col, SlabColumns).CopyTo(_slab.AsSpan(i * SlabColumns));
            for (int w = 0; w < _sweeps; w++) Chain(w);
            for (int i = low; i <= high; i++) _slab.AsSpan(i * SlabColumns, SlabColumns).CopyTo(z.Slice(i * _n + col));
        }
        _sweeps = 0;
    }

    // One sweep on the slab. Successive rotations share a row — (i, i + 1) then (i − 1, i) — so row i's rotated
    // values stay in registers for the next rotation and each row is loaded and stored once per sweep.
    private void Chain(int w)
    {
        int low = _low[w], high = _high[w], offset = w * _n;
        ref double slab = ref MemoryMarshal.GetArrayDataReference(_slab);
        nuint at = (nuint)(high * SlabColumns);
        var y0 = Vector256.LoadUnsafe(ref slab, at);
        var y1 = Vector256.LoadUnsafe(ref slab, at + 4);
        var y2 = Vector256.LoadUnsafe(ref slab, at + 8);
        var y3 = Vector256.LoadUnsafe(ref slab, at + 12);
        for (int i = high - 1; i >= low; i--)
        {
            var c = Vector256.Create(_c[offset + i]);
            var s = Vector256.Create(_s[offset + i]);
            nuint below = at;
            at = (nuint)(i * SlabColumns);
            var x0 = Vector256.LoadUnsafe(ref slab, at);
            var x1 = Vector256.LoadUnsafe(ref slab, at + 4);
            var x2 = Vector256.LoadUnsafe(ref slab, at + 8);
            var x3 = Vector256.LoadUnsafe(ref slab, at + 12);
            (s * x0 + c * y0).StoreUnsafe(ref slab, below);
            (s * x1 + c * y1).StoreUnsafe(ref slab, below + 4);
            (s * x2 + c * y2).StoreUnsafe(ref slab, below + 8);
            (s * x3 + c * y3).StoreUnsafe(ref slab, below + 12);
            y0 = c * x0 - s * y0;
            y1 = c * x1 - s * y1;
            y2 = c * x2 - s * y2;
            y3 = c * x3 - s * y3;
        }
        y0.StoreUnsafe(ref slab, at);
        y1.StoreUnsafe(ref slab, at + 4);
        y2.StoreUnsafe(ref slab, at + 8);
        y3.StoreUnsafe(ref slab, at + 12);
    }
}
