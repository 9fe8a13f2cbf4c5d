using System.Numerics.Tensors;

namespace LatentAudio.Metrics.Distribution;

/// <summary>
/// The Fréchet distance between two Gaussians fitted to embedding sets (FAD: Kilgour et al. 2019,
/// arXiv:1812.08466): ‖μ1 − μ2‖² + Tr(Σ1) + Tr(Σ2) − 2 Tr((Σ1 Σ2)^½).
/// <para>
/// The references (microsoft/fadtk@ec74b1f9 fadtk/fad.py calc_frechet_distance; haoheliu/audioldm_eval@8dc07ee7
/// audioldm_eval/metrics/fad.py) take scipy.linalg.sqrtm of the non-symmetric product Σ1 Σ2 (a Schur method, which
/// can return complex values and NaN for near-singular covariances; they then retry with 1e-6·I). Here the trace is
/// computed from the symmetric matrix √Σ1 Σ2 √Σ1, which is similar to Σ1 Σ2 and so has the same eigenvalues:
/// Tr((Σ1 Σ2)^½) = Σ √λᵢ(√Σ1 Σ2 √Σ1). Both are positive semi-definite, so every eigenvalue is real and ≥ 0 up to
/// rounding (tiny negatives from rounding are clamped to 0). No regularising offset is needed.
/// </para>
/// <para>
/// The estimate is biased upward for small sets (Chong &amp; Forsyth 2020, arXiv:1911.07023; Gui et al. 2024,
/// arXiv:2311.01616 for FAD): the expected value grows like c/n. Always report n with it; see
/// <see cref="FadInfinity"/> for the extrapolation to n → ∞.
/// </para>
/// </summary>
public static class FrechetDistance
{
    public static double Between(EmbeddingStatistics a, EmbeddingStatistics b) =>
        Compute(a.Mean, a.Covariance, b.Mean, b.Covariance);

    public static double Compute(double[] mu1, double[,] cov1, double[] mu2, double[,] cov2) =>
        new FrechetBase(mu1, cov1).DistanceTo(mu2, cov2);
}

/// <summary>
/// One side of the Fréchet distance prepared once (√Σ1 by eigen-decomposition), so that many distances to it — the
/// bootstrap of <see cref="FadInfinity"/> — cost one symmetric product and one eigenvalue pass each.
/// </summary>
public sealed class FrechetBase
{
    private readonly double[] _mu;
    private readonly double[] _sqrtCov; // row-major d x d, symmetric
    private readonly double _trace;

    public FrechetBase(double[] mu, double[,] cov)
    {
        int d = mu.Length;
        if (cov.GetLength(0) != d || cov.GetLength(1) != d) throw new ArgumentException("covariance is not d x d", nameof(cov));
        _mu = (double[])mu.Clone();
        var eig = SymmetricEigen.Of(cov);
        var v = eig.Vectors!;
        var root = new double[d];
        for (int k = 0; k < d; k++) root[k] = Math.Sqrt(Math.Max(eig.Values[k], 0.0));
        _sqrtCov = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = i; j < d; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) s += v[i, k] * root[k] * v[j, k];
                _sqrtCov[i * d + j] = _sqrtCov[j * d + i] = s;
            }
        for (int i = 0; i < d; i++) _trace += cov[i, i];
    }

    public int Dimension => _mu.Length;

    public double DistanceTo(double[] mu2, double[,] cov2)
    {
        int d = Dimension;
        if (mu2.Length != d || cov2.GetLength(0) != d || cov2.GetLength(1) != d)
            throw new ArgumentException($"the sets have different dimensions ({d} and {mu2.Length})");
        double meanTerm = 0, trace2 = 0;
        for (int i = 0; i < d; i++) { double diff = _mu[i] - mu2[i]; meanTerm += diff * diff; trace2 += cov2[i, i]; }
        var product = SymmetricProduct(cov2);
        var eig = SymmetricEigen.Of(product, withVectors: false);
        double traceSqrt = 0;
        foreach (var l in eig.Values) traceSqrt += Math.Sqrt(Math.Max(l, 0.0));
        return meanTerm + _trace + trace2 - 2 * traceSqrt;
    }

    // √Σ1 Σ2 √Σ1: symmetric in exact arithmetic, so only the upper triangle is computed and mirrored.
    private double[,] SymmetricProduct(double[,] cov2)
    {
        int d = Dimension;
        var c2 = new double[d * d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) c2[i * d + j] = cov2[i, j];
        var left = new double[d * d]; // √Σ1 Σ2
        for (int i = 0; i < d; i++)
        {
            var row = left.AsSpan(i * d, d);
            for (int k = 0; k < d; k++)
            {
                double a = _sqrtCov[i * d + k];
                if (a != 0) TensorPrimitives.MultiplyAdd(c2.AsSpan(k * d, d), a, row, row);
            }
        }
        var m = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            var li = left.AsSpan(i * d, d);
            for (int j = i; j < d; j++)
                m[i, j] = m[j, i] = TensorPrimitives.Dot<double>(li, _sqrtCov.AsSpan(j * d, d)); // √Σ1 symmetric: column j = row j
        }
        return m;
    }
}
