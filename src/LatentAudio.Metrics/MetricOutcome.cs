using System.Globalization;

namespace LatentAudio.Metrics;

/// <summary>
/// What an aggregate outcome (a mean over segments and channels) rests on. A part is one segment of one channel;
/// <see cref="Seconds"/> is the scored duration and <see cref="SecondsWithValue"/> the part of it whose parts had a
/// finite value (channel-seconds divided by the channel count, so a value on one of two channels counts half).
/// </summary>
public sealed record MetricCoverage(int Parts, int PartsWithValue, double Seconds, double SecondsWithValue)
{
    /// <summary>Some parts had a value and some did not: the mean is over the covered parts only.</summary>
    public bool Partial => PartsWithValue > 0 && PartsWithValue < Parts;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{PartsWithValue} of {Parts} segment-channels, {SecondsWithValue:0.###} of {Seconds:0.###} s");
}

/// <summary>
/// One metric's outcome: a finite value, or no value and the reason. Infinite results are not values: they carry
/// the sign in <see cref="Infinity"/> and a reason, so every consumer (JSON, tables, means) meets only finite numbers
/// or an explanation. An aggregate also carries its <see cref="Coverage"/>; when only some parts had a value it is
/// <see cref="Partial"/>: the value is the mean over the covered parts and the reason says what the others lacked.
/// <see cref="Notes"/> are caveats about a value (what was done to the pair to compute it, e.g. ViSQOL's resampling).
/// </summary>
public sealed record MetricOutcome
{
    private MetricOutcome(double? value, string? reason, int infinity, MetricCoverage? coverage, IReadOnlyList<string>? notes)
    {
        if (value is double v && !double.IsFinite(v)) throw new ArgumentException("an outcome's value is finite", nameof(value));
        if (value is null && string.IsNullOrWhiteSpace(reason)) throw new ArgumentException("an outcome without a value needs a reason", nameof(reason));
        Value = value; Reason = reason; Infinity = infinity; Coverage = coverage; Notes = notes ?? [];
    }

    /// <summary>The finite value, or null.</summary>
    public double? Value { get; }
    /// <summary>Why there is no value (or, for a partial aggregate, what the uncovered parts lacked).</summary>
    public string? Reason { get; }
    /// <summary>+1 or -1 when the metric's result was +/-infinity (then <see cref="Value"/> is null); 0 otherwise.</summary>
    public int Infinity { get; }
    /// <summary>Null for one computation; set for means over segments and channels.</summary>
    public MetricCoverage? Coverage { get; }
    public IReadOnlyList<string> Notes { get; }

    public bool HasValue => Value is not null;
    public bool Partial => Coverage?.Partial == true;

    public static MetricOutcome Of(double value, IReadOnlyList<string>? notes = null) =>
        double.IsFinite(value) ? new(value, null, 0, null, notes)
        : throw new ArgumentException($"not a finite value ({value}); use FromResult", nameof(value));

    public static MetricOutcome Unavailable(string reason, IReadOnlyList<string>? notes = null) => new(null, reason, 0, null, notes);

    /// <summary>Any valid combination (what a JSON reader restores); the constructor's checks apply.</summary>
    internal static MetricOutcome Restore(double? value, string? reason, int infinity, MetricCoverage? coverage) =>
        new(value, reason, Math.Sign(infinity), coverage, null);

    public static MetricOutcome Infinite(int sign, string reason) => new(null, reason, Math.Sign(sign), null, null);

    /// <summary>
    /// The outcome of a metric function's double: finite values as they are; +/-infinity as an infinite outcome whose
    /// reason says what it means for <paramref name="info"/>; NaN (an indeterminate 0/0 the metric did not catch) as
    /// no value rather than a number that would poison every mean.
    /// </summary>
    public static MetricOutcome FromResult(MetricInfo info, double value, IReadOnlyList<string>? notes = null)
    {
        if (double.IsFinite(value)) return new(value, null, 0, null, notes);
        if (double.IsNaN(value)) return new(null, "indeterminate (0/0): the pair is degenerate for this metric", 0, null, notes);
        int sign = value > 0 ? 1 : -1;
        string reason = info.Ideal is double ideal && ideal == value
            ? $"{Signed(sign)}: the ideal, no difference between reference and degraded"
            : $"{Signed(sign)}: a ratio with a zero term (e.g. nothing of the reference left in the degraded signal)";
        return new(null, reason, sign, null, notes);
    }

    /// <summary>"+infinite" / "-infinite", the prefix of an infinite outcome's reason.</summary>
    public static string Signed(int sign) => sign > 0 ? "+infinite" : "-infinite";

    /// <summary>
    /// The mean of <paramref name="parts"/> (one outcome per segment and channel, each weighted by its duration in
    /// seconds, the channel count dividing the weight) over the parts that have a value. Parts without one are left
    /// out of the mean and counted in the coverage; their distinct reasons are kept. All parts infinite with one sign
    /// gives that infinity.
    /// </summary>
    public static MetricOutcome Mean(IReadOnlyList<(MetricOutcome Outcome, double Seconds)> parts)
    {
        ArgumentOutOfRangeException.ThrowIfZero(parts.Count);
        double sum = 0, covered = 0, total = 0;
        int withValue = 0;
        foreach (var (o, s) in parts)
        {
            total += s;
            if (o.Value is not double v) continue;
            sum += v * s; covered += s; withValue++;
        }
        var coverage = new MetricCoverage(parts.Count, withValue, total, covered);
        var notes = parts.SelectMany(p => p.Outcome.Notes).Distinct().ToList();
        var missing = parts.Where(p => p.Outcome.Value is null).Select(p => p.Outcome).ToList();
        string? reason = missing.Count == 0 ? null : string.Join("; ", missing
            .GroupBy(o => o.Reason).Select(g => g.Count() == parts.Count ? g.Key : $"{g.Key} ({g.Count()} of {parts.Count})"));
        if (withValue > 0)
            return new(covered > 0 ? sum / covered : parts.Where(p => p.Outcome.Value is not null).Average(p => p.Outcome.Value!.Value),
                missing.Count == 0 ? null : $"no value on {missing.Count} of {parts.Count} segment-channels: {reason}", 0, coverage, notes);
        int sign = missing.All(o => o.Infinity == missing[0].Infinity) ? missing[0].Infinity : 0;
        return new(null, reason, sign, coverage, notes);
    }

    public override string ToString() =>
        Value is double v ? v.ToString("R", CultureInfo.InvariantCulture) + (Partial ? $" (partial: {Coverage})" : "")
        : $"n/a ({Reason})";
}
