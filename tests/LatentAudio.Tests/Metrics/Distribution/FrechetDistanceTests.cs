using System.Text.Json;
using LatentAudio.Metrics.Distribution;

namespace LatentAudio.Tests.Metrics.Distribution;

/// <summary>
/// The Fréchet distance against fadtk's calc_embd_statistics + calc_frechet_distance (scipy.linalg.sqrtm of C1·C2) on
/// fixed embedding sets (Fixtures/fad/frechet.json, made by reference/fad/frechet.py at microsoft/fadtk@ec74b1f9).
/// </summary>
public class FrechetDistanceTests
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestPaths.Fixtures("fad", "frechet.json"))).RootElement);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixture.Value.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static JsonElement Case(string name) =>
        Fixture.Value.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    internal static float[][] Vectors(JsonElement rows) =>
        rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

    private static double[,] Matrix(JsonElement rows)
    {
        var r = rows.EnumerateArray().Select(x => x.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[r.Length, r.Length];
        for (int i = 0; i < r.Length; i++) for (int j = 0; j < r.Length; j++) m[i, j] = r[i][j];
        return m;
    }

    // Measured relative difference from fadtk (2026-12-05, R VᵀΣ2V R form): full rank <= 4.2e-13 (tolerance 1e-12);
    // singular covariances (fewer vectors than dimensions, rank-deficient) <= 2.0e-7 (tolerance 1e-6). Against the
    // same formula in 60-digit arithmetic (mpmath, on the fixture's covariances) this code is within 3.2e-15 on
    // three cases and 1.6e-10 on fewer_vectors_than_dims: the differences are scipy's Schur sqrtm's. A singular Σ1Σ2
    // has eigenvalues that are rounding noise of size ε·‖Σ‖, whose square roots (√ε ≈ 1e-8 each) enter sqrtm's
    // trace; the symmetric form keeps them near their exact size.
    private static double RelativeTolerance(string name) => name.StartsWith("full_rank") ? 1e-12 : 1e-6;

    [Theory, MemberData(nameof(Cases))]
    public void MatchesFadtkOnFixedCovariances(string name)
    {
        var c = Case(name);
        double expected = c.GetProperty("fd").GetDouble();
        var mu1 = c.GetProperty("mean_a").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var mu2 = c.GetProperty("mean_b").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        double fd = FrechetDistance.Compute(mu1, Matrix(c.GetProperty("cov_a")), mu2, Matrix(c.GetProperty("cov_b")));
        Assert.Equal(expected, fd, Math.Abs(expected) * RelativeTolerance(name));
    }

    [Theory, MemberData(nameof(Cases))]
    public void StreamingStatisticsMatchNumpy(string name)
    {
        var c = Case(name);
        var a = Vectors(c.GetProperty("a"));
        var stats = EmbeddingStatistics.Of(a, a[0].Length);
        var mean = c.GetProperty("mean_a").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var cov = Matrix(c.GetProperty("cov_a"));
        Assert.Equal(a.Length, stats.Count);
        var m = stats.Mean; var s = stats.Covariance;
        for (int i = 0; i < mean.Length; i++)
        {
            Assert.Equal(mean[i], m[i], 1e-12);
            for (int j = 0; j < mean.Length; j++) Assert.Equal(cov[i, j], s[i, j], 1e-12);
        }
        var b = Vectors(c.GetProperty("b"));
        double fd = FrechetDistance.Between(stats, EmbeddingStatistics.Of(b, b[0].Length));
        double expected = c.GetProperty("fd").GetDouble();
        Assert.Equal(expected, fd, Math.Abs(expected) * RelativeTolerance(name));
    }

    [Fact]
    public void MergedPartsEqualOneSet()
    {
        var a = Vectors(Case("full_rank_d24").GetProperty("a"));
        var whole = EmbeddingStatistics.Of(a, 24);
        var first = EmbeddingStatistics.Of(a[..17], 24);
        first.Merge(EmbeddingStatistics.Of(a[17..], 24));
        Assert.Equal(whole.Count, first.Count);
        var (c1, c2) = (whole.Covariance, first.Covariance);
        for (int i = 0; i < 24; i++)
        {
            Assert.Equal(whole.Mean[i], first.Mean[i], 1e-13);
            for (int j = 0; j < 24; j++) Assert.Equal(c1[i, j], c2[i, j], 1e-13);
        }
    }

    [Fact]
    public void IdenticalSetsAreAtZeroAndDistanceIsSymmetric()
    {
        var c = Case("full_rank_d8");
        var a = EmbeddingStatistics.Of(Vectors(c.GetProperty("a")), 8);
        var b = EmbeddingStatistics.Of(Vectors(c.GetProperty("b")), 8);
        Assert.Equal(0, FrechetDistance.Between(a, a), 1e-12);
        Assert.Equal(FrechetDistance.Between(a, b), FrechetDistance.Between(b, a), 1e-12);
    }

    [Fact]
    public void EigenDecompositionReconstructsTheMatrix()
    {
        var m = Matrix(Case("full_rank_d8").GetProperty("cov_b"));
        var e = SymmetricEigen.Of(RowMajor(m), 8);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
            {
                double s = 0;
                for (int k = 0; k < 8; k++) s += e.Vector(k)[i] * e.Values[k] * e.Vector(k)[j];
                Assert.Equal(m[i, j], s, 1e-12);
            }
        Assert.True(e.Values.Zip(e.Values.Skip(1)).All(p => p.First <= p.Second));
    }

    private static double[] RowMajor(double[,] m)
    {
        int n = m.GetLength(0);
        var flat = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) flat[i * n + j] = m[i, j];
        return flat;
    }

    // A random symmetric positive definite matrix B Bᵀ / k + δ I (B n × k Gaussian), its spectrum spread over decades.
    private static double[] RandomSpd(int n, int seed, double ridge = 1e-3)
    {
        var random = new Random(seed);
        int k = n + 7;
        var b = new double[n * k];
        for (int i = 0; i < b.Length; i++) b[i] = Gaussian(random) * Math.Pow(10, -2.0 * (i / k) / n);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int t = 0; t < k; t++) s += b[i * k + t] * b[j * k + t];
                a[i * n + j] = a[j * n + i] = s / k + (i == j ? ridge : 0);
            }
        return a;
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(70)]
    [InlineData(133)]
    public void ValuesOnlyPathGivesTheFullPathsEigenvalues(int n)
    {
        var a = RandomSpd(n, seed: n);
        var full = SymmetricEigen.Of(a, n);
        var values = SymmetricEigen.ValuesOf(a, n);
        // Same reduction and iteration, the vectors never feeding back: the same numbers, bit for bit.
        Assert.Equal(full.Values, values);
        Assert.False(SymmetricEigen.Of(a, n, withVectors: false).HasVectors);
        // And they are eigenpairs: ‖A v − λ v‖ ≤ 1e-12 ‖A‖ with orthonormal v.
        double norm = Math.Sqrt(a.Sum(x => x * x));
        for (int j = 0; j < n; j++)
        {
            var v = full.Vector(j);
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int t = 0; t < n; t++) av += a[i * n + t] * v[t];
                Assert.True(Math.Abs(av - full.Values[j] * v[i]) <= 1e-12 * norm, $"residual at ({i}, {j})");
            }
            for (int l = 0; l <= j; l++)
            {
                double dot = 0;
                for (int t = 0; t < n; t++) dot += v[t] * full.Vector(l)[t];
                Assert.Equal(l == j ? 1.0 : 0.0, dot, 1e-12);
            }
        }
    }

    [Theory]
    [InlineData(9, 1e-3)]
    [InlineData(150, 1e-3)]
    [InlineData(150, 0.0)] // B Bᵀ with k > n: positive definite but with a spread spectrum
    public void PreparedBaseMatchesTheDirectFormula(int n, double ridge)
    {
        var c1 = RandomSpd(n, seed: 100 + n, ridge);
        var c2 = RandomSpd(n, seed: 200 + n, ridge);
        var random = new Random(n);
        var mu1 = Enumerable.Range(0, n).Select(_ => Gaussian(random)).ToArray();
        var mu2 = Enumerable.Range(0, n).Select(_ => Gaussian(random)).ToArray();
        // The definition written out: √Σ1 from the full decomposition, then the eigenvalues of √Σ1 Σ2 √Σ1.
        var e1 = SymmetricEigen.Of(c1, n);
        var root = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) root[i * n + j] += e1.Vector(k)[i] * Math.Sqrt(Math.Max(e1.Values[k], 0)) * e1.Vector(k)[j];
        var left = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int k = 0; k < n; k++) left[i * n + j] += root[i * n + k] * c2[k * n + j];
        var product = new double[n * n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) for (int k = 0; k < n; k++) product[i * n + j] += left[i * n + k] * root[k * n + j];
        double traceSqrt = SymmetricEigen.ValuesOf(product, n).Sum(l => Math.Sqrt(Math.Max(l, 0)));
        double expected = 0;
        for (int i = 0; i < n; i++) expected += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + c1[i * n + i] + c2[i * n + i];
        expected -= 2 * traceSqrt;

        var prepared = new FrechetBase(mu1, c1);
        Assert.Equal(n, prepared.Rank);
        double fd = prepared.DistanceTo(mu2, c2);
        Assert.Equal(expected, fd, Math.Abs(expected) * 1e-11);
        Assert.Equal(fd, prepared.DistanceTo(mu2, c2)); // reusable, nothing kept from the last call
        Assert.Equal(0, prepared.DistanceTo(mu1, c1), Math.Abs(expected) * 1e-11);
    }

    [Fact]
    public void BlockedProductMatchesTheNaiveOne()
    {
        var random = new Random(5);
        foreach (var (m, p, k) in new[] { (1, 1, 1), (3, 5, 7), (67, 70, 300), (130, 9, 513) })
        {
            var a = Enumerable.Range(0, m * k).Select(_ => Gaussian(random)).ToArray();
            var b = Enumerable.Range(0, p * k).Select(_ => Gaussian(random)).ToArray();
            var c = new double[m * p];
            MatrixProduct.MultiplyTransposed(a, m, b, p, k, c);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < p; j++)
                {
                    double s = 0;
                    for (int t = 0; t < k; t++) s += a[i * k + t] * b[j * k + t];
                    Assert.Equal(s, c[i * p + j], 1e-12 * k);
                }
            var sq = new double[m * m];
            MatrixProduct.MultiplyTransposed(a, m, a, m, k, sq, lowerOnly: true);
            for (int i = 0; i < m; i++)
                for (int j = 0; j <= i; j++)
                {
                    double s = 0;
                    for (int t = 0; t < k; t++) s += a[i * k + t] * a[j * k + t];
                    Assert.Equal(s, sq[i * m + j], 1e-12 * k);
                }
        }
    }

    [Fact]
    public void FadInfinityRecoversTheInterceptOfAnExactLine()
    {
        var points = FadInfinity.Sizes(500, 3000, 25).Select(n => new FadSample(n, 2.5 + 400.0 / n)).ToList();
        var fit = FadInfinity.Fit(points);
        Assert.Equal(2.5, fit.Score, 1e-9);
        Assert.Equal(400, fit.Slope, 1e-6);
        Assert.Equal(1, fit.RSquared, 1e-12);
        Assert.Equal([500, 604, 708], points.Take(3).Select(p => p.N)); // int(np.linspace(500, 3000, 25))[:3]
        Assert.Equal(3000, points[^1].N);
    }

    [Fact]
    public void FadInfinityNeedsMoreVectorsThanTheSmallestSize()
    {
        var a = Vectors(Case("full_rank_d8").GetProperty("a"));
        var stats = EmbeddingStatistics.Of(a, 8);
        Assert.Null(FadInfinity.Estimate(stats, a));
        Assert.False(FadInfinity.Allows(500));
        Assert.True(FadInfinity.Allows(501));
        var many = Enumerable.Range(0, 12).SelectMany(_ => a).ToList(); // 768 vectors
        var fit = FadInfinity.Estimate(stats, many, seed: 1);
        Assert.NotNull(fit);
        Assert.Equal(25, fit.Points.Count);
        // Resampling the same set: the extrapolated distance is near 0 (bias ~ c/n removed).
        Assert.InRange(fit.Score, -0.05, 0.05);
    }
}
