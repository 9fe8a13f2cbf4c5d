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

    // Measured relative error: full rank <= 1.2e-13 (tolerance 1e-12); singular covariances (fewer vectors than
    // dimensions, rank-deficient) <= 7.9e-8 (tolerance 1e-6). A singular Σ1Σ2 has eigenvalues that are rounding
    // noise of size ε·‖Σ‖, whose square roots (√ε ≈ 1e-8 each) enter the trace however it is computed: neither
    // scipy's Schur sqrtm nor the symmetric form is more exact there, they differ by that amount.
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
        var e = SymmetricEigen.Of(m);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 8; j++)
            {
                double s = 0;
                for (int k = 0; k < 8; k++) s += e.Vectors![i, k] * e.Values[k] * e.Vectors[j, k];
                Assert.Equal(m[i, j], s, 1e-12);
            }
        Assert.True(e.Values.Zip(e.Values.Skip(1)).All(p => p.First <= p.Second));
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
