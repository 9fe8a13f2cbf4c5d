namespace LatentAudio.Metrics;

/// <summary>One number computed from a reference/degraded pair. Implementations are stateless; whatever they share
/// (spectrograms, loudness, the best lag) lives in the <see cref="MetricPair"/> cache.</summary>
public interface IMetric
{
    MetricInfo Info { get; }

    /// <summary>The value; throws <see cref="MetricUnavailableException"/> when the pair cannot be scored
    /// (too short, silent reference, ...).</summary>
    double Compute(MetricPair pair);
}

/// <summary>A metric defined by its info and a function: how the registry lists every metric on one line each,
/// and how PESQ/ViSQOL (their own folders) are wired in.</summary>
public sealed class Metric(MetricInfo info, Func<MetricPair, double> compute) : IMetric
{
    public MetricInfo Info { get; } = info;
    public double Compute(MetricPair pair) => compute(pair);
    public override string ToString() => Info.Key;
}

/// <summary>The metric has no value for this pair; the message says why and is printed as a note.</summary>
public sealed class MetricUnavailableException(string message) : LatentAudioException(message);
