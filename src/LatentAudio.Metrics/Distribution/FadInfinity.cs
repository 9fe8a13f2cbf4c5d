namespace LatentAudio.Metrics.Distribution;

/// <summary>One bootstrap point of the extrapolation: n vectors drawn, the distance they gave.</summary>
public readonly record struct FadSample(int N, double Distance);

/// <summary>
/// FAD∞ (Gui et al. 2024, arXiv:2311.01616), as microsoft/fadtk@ec74b1f9 fadtk/fad.py <c>FrechetAudioDistance.score_inf</c>
/// computes it: for <c>steps</c> sizes n evenly spaced from <c>minN</c> to the number of evaluation vectors
/// (<c>np.linspace(min_n, max_n, steps)</c>, truncated to int), draw n evaluation vectors with replacement, take the
/// distance to the fixed baseline, fit distance = slope/n + intercept by least squares (np.polyfit degree 1) and report
/// the intercept. fadtk's defaults: steps 25, minN 500; it refuses nothing, but with fewer than minN vectors the sizes
/// would fall below minN, so here the extrapolation is only made when the evaluation set has more than minN vectors.
/// fadtk draws with an unseeded numpy generator; here the seed is explicit so a run can be repeated.
/// </summary>
public sealed record FadInfinity(double Score, double Slope, double RSquared, IReadOnlyList<FadSample> Points)
{
    /// <summary>fadtk's defaults (score_inf: steps=25, min_n=500).</summary>
    public const int DefaultSteps = 25, DefaultMinN = 500;

    /// <summary>Whether a set of <paramref name="n"/> evaluation vectors allows the extrapolation.</summary>
    public static bool Allows(long n, int minN = DefaultMinN) => n > minN;

    /// <summary>The extrapolation, or null when <paramref name="evaluation"/> has too few vectors (see <see cref="Allows"/>).</summary>
    public static FadInfinity? Estimate(EmbeddingStatistics baseline, IReadOnlyList<float[]> evaluation, int seed = 0,
        int steps = DefaultSteps, int minN = DefaultMinN) =>
        Allows(evaluation.Count, minN) && steps >= 2 ? Estimate(FrechetBase.Of(baseline), evaluation, seed, steps, minN) : null;

    /// <summary>
    /// As <see cref="Estimate(EmbeddingStatistics, IReadOnlyList{float[]}, int, int, int)"/> with the baseline already
    /// prepared: its eigen-decomposition is made once for all <paramref name="steps"/> distances (and may be shared
    /// with the caller's own distance to the full set), each draw then costing one product and an eigenvalue pass.
    /// </summary>
    public static FadInfinity? Estimate(FrechetBase baseline, IReadOnlyList<float[]> evaluation, int seed = 0,
        int steps = DefaultSteps, int minN = DefaultMinN)
    {
        if (!Allows(evaluation.Count, minN) || steps < 2) return null;
        var random = new Random(seed);
        var points = new List<FadSample>(steps);
        foreach (int n in Sizes(minN, evaluation.Count, steps))
        {
            var drawn = new EmbeddingStatistics(baseline.Dimension);
            for (int i = 0; i < n; i++) drawn.Add(evaluation[random.Next(evaluation.Count)]);
            points.Add(new FadSample(n, baseline.DistanceTo(drawn)));
        }
        return Fit(points);
    }

    /// <summary>int(np.linspace(minN, maxN, steps)[i]).</summary>
    public static IEnumerable<int> Sizes(int minN, int maxN, int steps)
    {
        double step = (double)(maxN - minN) / (steps - 1);
        for (int i = 0; i < steps; i++) yield return i == steps - 1 ? maxN : (int)(minN + i * step);
    }

    /// <summary>Least-squares line through (1/n, distance); the intercept is FAD∞, R² as fadtk computes it.</summary>
    public static FadInfinity Fit(IReadOnlyList<FadSample> points)
    {
        int m = points.Count;
        double mx = 0, my = 0;
        foreach (var p in points) { mx += 1.0 / p.N; my += p.Distance; }
        mx /= m; my /= m;
        double sxy = 0, sxx = 0;
        foreach (var p in points) { double dx = 1.0 / p.N - mx; sxy += dx * (p.Distance - my); sxx += dx * dx; }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        double intercept = my - slope * mx;
        double ssRes = 0, ssTot = 0;
        foreach (var p in points)
        {
            double r = p.Distance - (slope / p.N + intercept);
            ssRes += r * r;
            ssTot += (p.Distance - my) * (p.Distance - my);
        }
        return new FadInfinity(intercept, slope, ssTot == 0 ? 1 : 1 - ssRes / ssTot, points);
    }
}
