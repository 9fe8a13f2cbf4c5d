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
    // for the mirrored upper part) and the update rewrites the same prefixes. u stays in row i for the accumulation,
    // H goes to hs[i]; e[i] receives the subdiagonal element (i − 1, i). The diagonal is left in place.
    private static void Tridiagonalize(Span<double> a, int n, Span<double> p, Span<double> e, Span<double> hs)
    {
        for (int i = n - 1; i > 0; i--)
        {
            var u = a.Slice(i * n, i);
            double h = 0.0;
            double scale = i > 1 ? Kernels.SumOfMagnitudes(u) : 0.0;
            if (scale == 0.0)
            {
                e[i] = u[i - 1]; // already tridiagonal in this row (or the 1 × 1 case): nothing to reduce
            }
            else
            {
                Kernels.Scale(u, 1.0 / scale);
                h = Kernels.Dot(u, u);
                double f = u[i - 1];
                double g = f >= 0 ? -Math.Sqrt(h) : Math.Sqrt(h);
                e[i] = scale * g;
                h -= f * g;
                u[i - 1] = f - g;

                var pi = p[..i];
                pi.Clear();
                for (int j = 0; j < i; j++)
                {
                    var row = a.Slice(j * n, j + 1); // A[j, 0..j]
                    // p[j] += A[j,0..j]·u[0..j]; p[0..j) += u[j] A[j,0..j) (the upper triangle by symmetry)
                    p[j] += Kernels.DotAndAxpy(row[..j], u, u[j], pi) + row[j] * u[j];
                }
                double invH = 1.0 / h;
                Kernels.Scale(pi, invH);
                double k = Kernels.Dot(u, pi) * (0.5 * invH);
                Kernels.Axpy(-k, u, pi); // q = p − K u, in place of p
                for (int j = 0; j < i; j++)
                    Kernels.SubtractRank2(a.Slice(j * n, j + 1), u, p[j], pi, u[j]);
            }
            hs[i] = h;
        }
        hs[0] = 0.0;
    }

    // tred2's accumulation Q = P_1 ⋯ P_{n−1}, built as Z = Qᵀ in place of the reduced matrix (its rows are then the
    // columns of Q, later the eigenvectors): step i multiplies the leading i × i block by P_i from the right,
    // Z_j ← Z_j − (Z_j·u / H) uᵀ for each row j < i, reading u from row i, which the block has not reached yet.
    // Saves the tridiagonal diagonal into d on the way (it is overwritten).
    private static void AccumulateTransforms(Span<double> a, int n, Span<double> d, ReadOnlySpan<double> hs)
    {
        for (int i = 0; i < n; i++)
        {
            var u = a.Slice(i * n, i);
            if (hs[i] != 0.0)
            {
                double invH = 1.0 / hs[i];
                for (int j = 0; j < i; j++)
                {
                    var z = a.Slice(j * n, i);
                    Kernels.Axpy(-Kernels.Dot(z, u) * invH, u, z);
                }
            }
            d[i] = a[i * n + i];
            a[i * n + i] = 1.0;
            u.Clear();
            for (int j = 0; j < i; j++) a[j * n + i] = 0.0;
        }
    }

    // tql2 (JAMA; EISPACK tql2; Numerical Recipes tqli): implicit QL with Wilkinson's shift on the tridiagonal (d, e),
    // e[i] the element (i − 1, i) on entry. Each plane rotation of rows (i, i + 1) of Z = Vᵀ is a contiguous pair of
    // rows. Then sorted ascending, rows following their values.
    private static void QlIterate(Span<double> z, int n, Span<double> d, Span<double> e)
    {
        bool vectors = !z.IsEmpty;
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
                        if (vectors) Kernels.Rotate(z.Slice(i * n, n), z.Slice((i + 1) * n, n), c, s);
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.Abs(e[l]) > eps * tst1);
            }
            d[l] += f;
            e[l] = 0.0;
        }
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
