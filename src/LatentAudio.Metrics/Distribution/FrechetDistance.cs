namespace LatentAudio.Metrics.Distribution;

/// <summary>
/// The Fréchet distance between two Gaussians fitted to embedding sets (FAD: Kilgour et al. 2019,
/// arXiv:1812.08466): ‖μ1 − μ2‖² + Tr(Σ1) + Tr(Σ2) − 2 Tr((Σ1 Σ2)^½).
/// <para>
/// The references (microsoft/fadtk@ec74b1f9 fadtk/fad.py calc_frechet_distance; haoheliu/audioldm_eval@8dc07ee7
/// audioldm_eval/metrics/fad.py) take scipy.linalg.sqrtm of the non-symmetric product Σ1 Σ2 (a Schur method, which
/// can return complex values and NaN for near-singular covariances; they then retry with 1e-6·I). Here the trace
/// comes from a symmetric matrix similar to Σ1 Σ2, so it has the same eigenvalues: with Σ1 = V Λ Vᵀ and
/// R = diag(√λ) (tiny negative λ from rounding clamped to 0), √Σ1 = V R Vᵀ and
/// √Σ1 Σ2 √Σ1 = V (R Vᵀ Σ2 V R) Vᵀ, so Tr((Σ1 Σ2)^½) = Σ √μᵢ with μ the eigenvalues of R Vᵀ Σ2 V R. That matrix is
/// positive semi-definite, so every μ is real and ≥ 0 up to rounding (tiny negatives are clamped too). No
/// regularising offset is needed. See <see cref="FrechetBase"/> for the cost.
/// </para>
/// <para>
/// The estimate is biased upward for small sets (Chong &amp; Forsyth 2020, arXiv:1911.07023; Gui et al. 2024,
/// arXiv:2311.01616 for FAD): the expected value grows like c/n. Always report n with it; see
/// <see cref="FadInfinity"/> for the extrapolation to n → ∞.
/// </para>
/// </summary>
public static class FrechetDistance
{
    public static double Between(EmbeddingStatistics a, EmbeddingStatistics b) => FrechetBase.Of(a).DistanceTo(b);

    public static double Compute(double[] mu1, double[,] cov1, double[] mu2, double[,] cov2) =>
        new FrechetBase(mu1, cov1).DistanceTo(mu2, cov2);
}

/// <summary>
/// One side of the Fréchet distance prepared once, so that many distances to it — the bootstrap of
/// <see cref="FadInfinity"/>, several outputs against one reference — cost only their own part. Built from (μ1, Σ1)
/// with one full eigen-decomposition Σ1 = V Λ Vᵀ; it keeps the rows √λₖ vₖᵀ (Y = R Vᵀ) of the eigenvalues left above
/// zero after clamping (a zero row would only add zero eigenvalues). A distance then costs Y Σ2 Yᵀ (two blocked
/// matrix products, the second half-sized by symmetry) and the eigenvalues alone of that rank × rank matrix — not
/// the two full decompositions and two products of forming √Σ1 Σ2 √Σ1.
/// </summary>
public sealed class FrechetBase
{
    private readonly double[] _mu;
    private readonly double[] _y; // _rank × d row-major: √λₖ vₖᵀ for each λₖ > 0
    private readonly int _rank;
    private readonly double _trace;

    public FrechetBase(double[] mu, double[,] cov) : this(mu, RowMajor(cov, mu.Length, nameof(cov))) { }

    /// <summary>From the mean and the d × d row-major covariance (its lower triangle is read).</summary>
    public FrechetBase(double[] mu, ReadOnlySpan<double> cov)
    {
        int d = mu.Length;
        if (cov.Length != d * d) throw new ArgumentException("covariance is not d x d", nameof(cov));
        _mu = (double[])mu.Clone();
        for (int i = 0; i < d; i++) _trace += cov[i * d + i];
        var eig = SymmetricEigen.Of(cov, d);
        var kept = Enumerable.Range(0, d).Where(k => eig.Values[k] > 0).ToArray();
        _rank = kept.Length;
        _y = new double[_rank * d];
        for (int r = 0; r < _rank; r++)
        {
            int k = kept[r];
            Kernels.Axpy(Math.Sqrt(eig.Values[k]), eig.Vector(k), _y.AsSpan(r * d, d));
        }
    }

    public static FrechetBase Of(EmbeddingStatistics s) => new(s.Mean, s.CovarianceRowMajor());

    public int Dimension => _mu.Length;
    /// <summary>The number of eigenvalues of Σ1 above zero (the size of each distance's eigenvalue problem).</summary>
    public int Rank => _rank;

    public double DistanceTo(EmbeddingStatistics s) => DistanceTo(s.Mean, s.CovarianceRowMajor());

    public double DistanceTo(double[] mu2, double[,] cov2) => DistanceTo(mu2, RowMajor(cov2, Dimension, nameof(cov2)));

    /// <summary>The distance to (μ2, Σ2), Σ2 d × d row-major and symmetric (its rows are used as its columns).</summary>
    public double DistanceTo(double[] mu2, ReadOnlySpan<double> cov2)
    {
        int d = Dimension;
        if (mu2.Length != d || cov2.Length != d * d)
            throw new ArgumentException($"the sets have different dimensions ({d} and {mu2.Length})");
        double meanTerm = 0, trace2 = 0;
        for (int i = 0; i < d; i++) { double diff = _mu[i] - mu2[i]; meanTerm += diff * diff; trace2 += cov2[i * d + i]; }
        double traceSqrt = 0;
        if (_rank > 0)
        {
            var t = new double[_rank * d];
            MatrixProduct.MultiplyTransposed(_y, _rank, cov2, d, d, t); // Y Σ2 (Σ2 symmetric: row j = column j)
            var m = new double[_rank * _rank];
            MatrixProduct.MultiplyTransposed(t, _rank, _y, _rank, d, m, lowerOnly: true); // (Y Σ2) Yᵀ
            var values = new double[_rank];
            SymmetricEigen.DecomposeInPlace(m, _rank, values, withVectors: false);
            foreach (var l in values) traceSqrt += Math.Sqrt(Math.Max(l, 0.0));
        }
        return meanTerm + _trace + trace2 - 2 * traceSqrt;
    }

    private static double[] RowMajor(double[,] m, int d, string name)
    {
        if (m.GetLength(0) != d || m.GetLength(1) != d) throw new ArgumentException($"matrix is not {d} x {d}", name);
        var flat = new double[d * d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) flat[i * d + j] = m[i, j];
        return flat;
    }
}
