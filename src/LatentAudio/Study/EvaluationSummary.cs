using LatentAudio.Metrics.Distribution;
using LatentAudio.Reconstruction;

namespace LatentAudio.Study;

/// <summary>Statistics of one metric over the items of a group. <see cref="N"/> items had a value; <see cref="NoValue"/>
/// had the output but a reason instead of a value; <see cref="Failures"/> items failed outright for the model.
/// The interval is a 95% percentile bootstrap of the mean with a fixed seed (<see cref="CiMethod"/> "bootstrap"), or
/// above <see cref="EvaluationSummary.BootstrapMaxN"/> values the normal interval mean ± 1.96 sd/√n ("normal"), which
/// the bootstrap's converges to; <see cref="Sd"/> is the sample standard deviation (n - 1).</summary>
public sealed record MetricStats(int N, int NoValue, int Failures, double? Mean, double? Sd, double? Median, double? CiLow, double? CiHigh, string? CiMethod = null);

/// <summary>One rate-distortion point of a group: an output with a bitrate, its mean measured kbps over the items.</summary>
public sealed record RatePoint(string Output, string Family, double Kbps);

/// <summary>One model's results in one category; <see cref="Fad"/> per output when the rows carry embeddings.</summary>
public sealed record ModelGroup(
    ModelRef Model,
    int Failures,
    SortedDictionary<string, SortedDictionary<string, MetricStats>> Outputs,
    SortedDictionary<string, MetricStats> Attribution,
    IReadOnlyList<RatePoint> RateDistortion,
    SortedDictionary<string, OutputFad>? Fad = null);

/// <summary>
/// The Fréchet distance of one output of a group: between the vectors of the inputs (<see cref="ReferenceCount"/>)
/// and those of the output (<see cref="DegradedCount"/>) of its <see cref="Items"/> items, by
/// <see cref="Network"/> with the weights <see cref="WeightsSha256"/>. <see cref="Result"/> is null when a side has
/// fewer than two vectors; its FAD∞ is there only when the output has more than <see cref="FadInfinity.DefaultMinN"/>
/// vectors. Biased upward for small sets: compare only numbers with similar n.
/// </summary>
public sealed record OutputFad(string Network, string WeightsSha256, int Items, long ReferenceCount, long DegradedCount, FadResult? Result)
{
    /// <summary>The seed of FAD∞'s draws: fixed, so the same rows give the same number.</summary>
    public const int InfinitySeed = 0;

    /// <summary>The distance over <paramref name="rows"/> (one output's rows, in the caller's canonical order), or null
    /// when none carries embeddings.</summary>
    public static OutputFad? Of(IReadOnlyList<EvaluationRow> rows) => Of(rows, null);

    /// <summary>As <see cref="Of(IReadOnlyList{EvaluationRow})"/>, taking the prepared reference side from
    /// <paramref name="bases"/> when another output (or model) of the group had the same reference set.</summary>
    internal static OutputFad? Of(IReadOnlyList<EvaluationRow> rows, ReferenceBases? bases)
    {
        var first = rows.Select(r => r.Embedding).FirstOrDefault(e => e is not null);
        if (first is null) return null;
        var reference = new EmbeddingStatistics(first.Reference.Dimension);
        var degraded = new EmbeddingStatistics(first.Output.Dimension);
        // FAD∞ redraws from the output's vectors: kept only when there are enough of them for it.
        long outputCount = rows.Sum(r => (long)(r.Embedding?.Output.Count ?? 0));
        var degradedVectors = FadInfinity.Allows(outputCount) ? new List<float[]>() : null;
        int items = 0;
        foreach (var e in rows.Select(r => r.Embedding))
        {
            if (e is null) continue;
            if (e.Network != first.Network || e.WeightsSha256 != first.WeightsSha256)
                throw new InvalidInputException($"rows carry embeddings of different networks ({first.Network} {first.WeightsSha256[..Math.Min(12, first.WeightsSha256.Length)]}, {e.Network} {e.WeightsSha256[..Math.Min(12, e.WeightsSha256.Length)]})");
            items++;
            e.Reference.AddTo(reference);
            e.Output.AddTo(degraded, degradedVectors);
        }
        var result = bases is null || reference.Count < 2 || degraded.Count < 2
            ? FadResult.Compute(reference, degraded, degradedVectors, InfinitySeed)
            : FadResult.Compute(bases.Of(reference), reference.Count, degraded, degradedVectors, InfinitySeed);
        return new OutputFad(first.Network, first.WeightsSha256, items, reference.Count, degraded.Count, result);
    }
}

/// <summary>
/// The prepared reference sides (<see cref="FrechetBase"/>, one eigen-decomposition each: most of an FD's cost at
/// d = 2048) of one category's distances: every model and output of the category usually compares against the same
/// inputs. A base is reused only for statistics equal value for value (mean and covariance), so the numbers are
/// exactly those of preparing it again.
/// </summary>
internal sealed class ReferenceBases
{
    private readonly List<(double[] Mean, double[] Covariance, FrechetBase Base)> _prepared = [];

    public FrechetBase Of(EmbeddingStatistics reference)
    {
        var mean = reference.Mean;
        var covariance = reference.CovarianceRowMajor();
        foreach (var (m, c, prepared) in _prepared)
            if (m.AsSpan().SequenceEqual(mean) && c.AsSpan().SequenceEqual(covariance)) return prepared;
        var made = new FrechetBase(mean, covariance);
        _prepared.Add((mean, covariance, made));
        return made;
    }
}

/// <summary>One category (or <see cref="EvaluationSummary.All"/>): its item count, failures per reason, and per model.</summary>
public sealed record CategoryGroup(string Category, int Items, int Failures, SortedDictionary<string, int> FailureReasons,
    SortedDictionary<string, ModelGroup> Models);

/// <summary>
/// The summary of an evaluation's rows: per category (and <see cref="All"/>) × model × output × metric the count,
/// failures, mean, standard deviation, median and a 95% bootstrap interval; the stage attribution
/// (<c>vae_vocoder - oracle_vocoder</c>, paired per item, with its interval); the rate-distortion points. Every
/// number depends only on the set of rows, never on their order: rows are keyed by (id, model, output), values are
/// taken in ordinal id order and the bootstrap seed is fixed per group, so a sharded run merged in any order gives
/// exactly the numbers of an unsharded one.
/// </summary>
public static class EvaluationSummary
{
    public const string All = "all";
    public const int BootstrapResamples = 2000;
    public const ulong BootstrapSeed = 0x5EED_2026_0017UL;
    /// <summary>Up to this many values the interval is bootstrapped (resamples × n draws); above, the normal interval.</summary>
    public const int BootstrapMaxN = 5000;

    public static SortedDictionary<string, CategoryGroup> Build(IEnumerable<EvaluationRow> rows)
    {
        // The last row of an (id, model, output) wins; a failure row stands for every output of its model.
        var unique = new Dictionary<(string, string, string), EvaluationRow>();
        foreach (var r in rows) unique[(r.Id, r.Model.Id, r.Output)] = r;
        var all = unique.Values.ToList();
        var result = new SortedDictionary<string, CategoryGroup>(StringComparer.Ordinal);
        result[All] = Category(All, all);
        foreach (var g in all.GroupBy(r => r.Category)) result[g.Key] = Category(g.Key, g.ToList());
        return result;
    }

    private static CategoryGroup Category(string name, List<EvaluationRow> rows)
    {
        var failures = rows.Where(r => r.IsFailure).ToList();
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in failures) reasons[f.Failure!] = reasons.GetValueOrDefault(f.Failure!) + 1;
        var models = new SortedDictionary<string, ModelGroup>(StringComparer.Ordinal);
        var bases = new ReferenceBases();
        foreach (var m in rows.GroupBy(r => r.Model.Id)) models[m.Key] = Model(name, m.ToList(), bases);
        return new CategoryGroup(name, rows.Select(r => r.Id).Distinct().Count(), failures.Count, reasons, models);
    }

    private static ModelGroup Model(string category, List<EvaluationRow> rows, ReferenceBases bases)
    {
        int failed = rows.Count(r => r.IsFailure);
        var outputs = new SortedDictionary<string, SortedDictionary<string, MetricStats>>(StringComparer.Ordinal);
        var rate = new List<RatePoint>();
        SortedDictionary<string, OutputFad>? fad = null;
        foreach (var o in rows.Where(r => !r.IsFailure).GroupBy(r => r.Output))
        {
            var stats = new SortedDictionary<string, MetricStats>(StringComparer.Ordinal);
            var ordered = o.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            foreach (var key in ordered.SelectMany(r => r.Metrics.Keys).Distinct())
            {
                var v = ordered.Where(r => r.Metrics.TryGetValue(key, out var m) && m.Value is not null).Select(r => r.Metrics[key].Value!.Value).ToList();
                int noValue = ordered.Count - v.Count;
                stats[key] = Stats(v, noValue, failed, $"{category}|{rows[0].Model.Id}|{o.Key}|{key}");
            }
            outputs[o.Key] = stats;
            if (OutputFad.Of(ordered, bases) is { } fd) (fad ??= new SortedDictionary<string, OutputFad>(StringComparer.Ordinal))[o.Key] = fd;
            var kbps = ordered.Where(r => r.Kbps is not null).Select(r => r.Kbps!.Value).ToList();
            if (kbps.Count > 0) rate.Add(new RatePoint(o.Key, o.Key.StartsWith("opus", StringComparison.Ordinal) ? "opus" : "latent", Sum(kbps) / kbps.Count));
        }
        var attribution = new SortedDictionary<string, MetricStats>(StringComparer.Ordinal);
        var vae = rows.Where(r => r.Output == OutputNames.VaeVocoder).ToDictionary(r => r.Id);
        var oracle = rows.Where(r => r.Output == OutputNames.OracleVocoder).ToDictionary(r => r.Id);
        foreach (var key in vae.Values.SelectMany(r => r.Metrics.Keys).Distinct())
        {
            var diffs = new List<double>();
            int unpaired = 0;
            foreach (var id in vae.Keys.Order(StringComparer.Ordinal))
            {
                if (oracle.TryGetValue(id, out var o) && vae[id].Metrics.TryGetValue(key, out var a) && a.Value is double x
                    && o.Metrics.TryGetValue(key, out var b) && b.Value is double y) diffs.Add(x - y);
                else unpaired++;
            }
            attribution[key] = Stats(diffs, unpaired, failed, $"{category}|{rows[0].Model.Id}|attribution|{key}");
        }
        return new ModelGroup(rows[0].Model, failed, outputs, attribution,
            rate.OrderBy(p => p.Family, StringComparer.Ordinal).ThenBy(p => p.Kbps).ToList(), fad);
    }

    /// <summary>The statistics of <paramref name="v"/> (in the caller's canonical order); the bootstrap's seed mixes
    /// the fixed seed with the group's name, so every group has its own reproducible resamples.</summary>
    public static MetricStats Stats(IReadOnlyList<double> v, int noValue, int failures, string group)
    {
        if (v.Count == 0) return new MetricStats(0, noValue, failures, null, null, null, null, null);
        double mean = Sum(v) / v.Count;
        double? sd = null;
        if (v.Count > 1)
        {
            double ss = 0;
            foreach (var x in v) ss += (x - mean) * (x - mean);
            sd = Math.Sqrt(ss / (v.Count - 1));
        }
        var sorted = v.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        if (v.Count > BootstrapMaxN)
        {
            double half = 1.959963984540054 * sd!.Value / Math.Sqrt(v.Count);
            return new MetricStats(v.Count, noValue, failures, mean, sd, median, mean - half, mean + half, "normal");
        }
        var (lo, hi) = BootstrapCi(v, BootstrapSeed ^ ShardHash.Fnv1a64(group));
        return new MetricStats(v.Count, noValue, failures, mean, sd, median, lo, hi, "bootstrap");
    }

    /// <summary>95% percentile bootstrap interval of the mean (SplitMix64, <see cref="BootstrapResamples"/> resamples).</summary>
    public static (double Low, double High) BootstrapCi(IReadOnlyList<double> v, ulong seed)
    {
        if (v.Count == 1) return (v[0], v[0]);
        var means = new double[BootstrapResamples];
        ulong state = seed;
        for (int b = 0; b < means.Length; b++)
        {
            double s = 0;
            for (int i = 0; i < v.Count; i++) s += v[(int)Math.BigMul(SplitMix64(ref state), (ulong)v.Count, out _)];
            means[b] = s / v.Count;
        }
        Array.Sort(means);
        return (Quantile(means, 0.025), Quantile(means, 0.975));
    }

    private static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int i = (int)Math.Floor(pos);
        double f = pos - i;
        return i + 1 < sorted.Length ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
    }

    private static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static double Sum(IEnumerable<double> v)
    {
        double s = 0;
        foreach (var x in v) s += x;
        return s;
    }
}
