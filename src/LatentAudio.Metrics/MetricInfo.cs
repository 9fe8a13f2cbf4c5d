namespace LatentAudio.Metrics;

/// <summary>
/// What a metric is, as `latentaudio metrics --list` and the reports print it: the snake_case key used in JSON,
/// the definition with its citation, the exact parameters, the unit, the direction and the rate it runs at.
/// </summary>
public sealed record MetricInfo(
    string Key,
    string Name,
    string Unit,
    MetricDirection Better,
    double? Ideal,
    string Definition,
    string Parameters,
    string Reference,
    string Rate)
{
    public bool HigherIsBetter => Better == MetricDirection.Higher;

    public string Direction => Better switch
    {
        MetricDirection.Higher => "higher is better",
        MetricDirection.Lower => "lower is better",
        MetricDirection.TowardIdeal => "closer to the ideal is better",
        _ => "no direction (descriptive)",
    };
}

/// <summary>Which way a metric improves.</summary>
public enum MetricDirection { Higher, Lower, TowardIdeal, None }
