namespace LatentAudio.Metrics;

/// <summary>One number computed from a reference/degraded pair. Implementations are stateless; whatever they share
/// (spectrograms, loudness, the best lag) lives in the <see cref="MetricPair"/> cache.</summary>
public interface IMetric
{
    MetricInfo Info { get; }

    /// <summary>The value; throws <see cref="MetricUnavailableException"/> when the pair cannot be scored
    /// (too short, silent reference, ...).</summary>
    double Compute(MetricPair pair);

    /// <summary>The value or the reason there is none: what reports use. Infinite and NaN results become reasons
    /// here (<see cref="MetricOutcome.FromResult"/>), so no caller has to tell failure from a number.</summary>
    MetricOutcome Evaluate(MetricPair pair)
    {
        try { return MetricOutcome.FromResult(Info, Compute(pair)); }
        catch (MetricUnavailableException e) { return MetricOutcome.Unavailable(e.Message); }
    }
}

/// <summary>A metric defined by its info and a function: how the registry lists every metric on one line each,
/// and how PESQ/ViSQOL (their own folders) are wired in.</summary>
public sealed class Metric : IMetric
{
    private readonly Func<MetricPair, double>? _compute;
    private readonly Func<MetricPair, MetricOutcome>? _evaluate;

    public Metric(MetricInfo info, Func<MetricPair, double> compute) { Info = info; _compute = compute; }

    /// <summary>For a metric whose function says more than a number (ViSQOL's notes on what it did to the pair).</summary>
    public Metric(MetricInfo info, Func<MetricPair, MetricOutcome> evaluate) { Info = info; _evaluate = evaluate; }

    public MetricInfo Info { get; }

    /// <summary>The function's double (infinities included); an outcome-returning metric without a value throws
    /// <see cref="MetricUnavailableException"/> with its reason.</summary>
    public double Compute(MetricPair pair)
    {
        if (_compute is not null) return _compute(pair);
        var outcome = _evaluate!(pair);
        return outcome.Value ?? (outcome.Infinity != 0 ? outcome.Infinity * double.PositiveInfinity
            : throw new MetricUnavailableException(outcome.Reason!));
    }

    public MetricOutcome Evaluate(MetricPair pair)
    {
        try { return _evaluate is not null ? _evaluate(pair) : MetricOutcome.FromResult(Info, _compute!(pair)); }
        catch (MetricUnavailableException e) { return MetricOutcome.Unavailable(e.Message); }
    }

    public override string ToString() => Info.Key;
}

/// <summary>The metric has no value for this pair; the message says why and is printed as a note.</summary>
public sealed class MetricUnavailableException(string message) : LatentAudioException(message);
