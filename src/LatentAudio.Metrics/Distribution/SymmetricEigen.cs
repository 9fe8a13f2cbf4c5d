namespace LatentAudio.Metrics.Distribution;

/// <summary>
/// Eigen-decomposition of a real symmetric matrix in double: Householder reduction to tridiagonal form, then the
/// implicit QL iteration (EISPACK tred2/tql2 as in JAMA's EigenvalueDecomposition, public domain). Symmetric input
/// keeps every eigenvalue real and the eigenvectors orthonormal, which is why the Fréchet distance uses only
/// symmetric products.
/// </summary>
public sealed class SymmetricEigen
{
    private SymmetricEigen(double[] values, double[,]? vectors) { Values = values; Vectors = vectors; }

    /// <summary>Eigenvalues in ascending order.</summary>
    public double[] Values { get; }
    /// <summary>Column j is the unit eigenvector of <see cref="Values"/>[j]; null when only values were asked for.</summary>
    public double[,]? Vectors { get; }

    /// <summary>Decomposes the symmetric <paramref name="a"/> (only its values are read; it is not modified).</summary>
    public static SymmetricEigen Of(double[,] a, bool withVectors = true)
    {
        int n = a.GetLength(0);
        if (a.GetLength(1) != n) throw new ArgumentException("matrix is not square", nameof(a));
        var v = (double[,])a.Clone();
        var d = new double[n];
        var e = new double[n];
        if (n > 0)
        {
            Tridiagonalize(v, d, e);
            QlIterate(v, d, e);
        }
        return new SymmetricEigen(d, withVectors ? v : null);
    }

    // tred2: Householder reduction (Bowdler, Martin, Reinsch, Wilkinson; Handbook for Auto. Comp. Vol. II).
    private static void Tridiagonalize(double[,] v, double[] d, double[] e)
    {
        int n = d.Length;
        for (int j = 0; j < n; j++) d[j] = v[n - 1, j];
        for (int i = n - 1; i > 0; i--)
        {
            double scale = 0.0, h = 0.0;
            for (int k = 0; k < i; k++) scale += Math.Abs(d[k]);
            if (scale == 0.0)
            {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) { d[j] = v[i - 1, j]; v[i, j] = 0.0; v[j, i] = 0.0; }
            }
            else
            {
                for (int k = 0; k < i; k++) { d[k] /= scale; h += d[k] * d[k]; }
                double f = d[i - 1];
                double g = Math.Sqrt(h);
                if (f > 0) g = -g;
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) e[j] = 0.0;
                for (int j = 0; j < i; j++)
                {
                    f = d[j];
                    v[j, i] = f;
                    g = e[j] + v[j, j] * f;
                    for (int k = j + 1; k <= i - 1; k++) { g += v[k, j] * d[k]; e[k] += v[k, j] * f; }
                    e[j] = g;
                }
                f = 0.0;
                for (int j = 0; j < i; j++) { e[j] /= h; f += e[j] * d[j]; }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) e[j] -= hh * d[j];
                for (int j = 0; j < i; j++)
                {
                    f = d[j]; g = e[j];
                    for (int k = j; k <= i - 1; k++) v[k, j] -= f * e[k] + g * d[k];
                    d[j] = v[i - 1, j];
                    v[i, j] = 0.0;
                }
            }
            d[i] = h;
        }
        for (int i = 0; i < n - 1; i++)
        {
            v[n - 1, i] = v[i, i];
            v[i, i] = 1.0;
            double h = d[i + 1];
            if (h != 0.0)
            {
                for (int k = 0; k <= i; k++) d[k] = v[k, i + 1] / h;
                for (int j = 0; j <= i; j++)
                {
                    double g = 0.0;
                    for (int k = 0; k <= i; k++) g += v[k, i + 1] * v[k, j];
                    for (int k = 0; k <= i; k++) v[k, j] -= g * d[k];
                }
            }
            for (int k = 0; k <= i; k++) v[k, i + 1] = 0.0;
        }
        for (int j = 0; j < n; j++) { d[j] = v[n - 1, j]; v[n - 1, j] = 0.0; }
        v[n - 1, n - 1] = 1.0;
        e[0] = 0.0;
    }

    // tql2: implicit QL with Wilkinson-like shifts, then sort ascending.
    private static void QlIterate(double[,] v, double[] d, double[] e)
    {
        int n = d.Length;
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
                        for (int k = 0; k < n; k++)
                        {
                            h = v[k, i + 1];
                            v[k, i + 1] = s * v[k, i] + c * h;
                            v[k, i] = c * v[k, i] - s * h;
                        }
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
            for (int j = 0; j < n; j++) (v[j, i], v[j, k]) = (v[j, k], v[j, i]);
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
