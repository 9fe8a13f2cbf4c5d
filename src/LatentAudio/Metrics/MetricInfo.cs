namespace LatentAudio.Metrics;

/// <summary>
/// What a metric is, as `latentaudio metrics --list` and the reports print it: the snake_case key used in JSON,
/// the definition with its citation, the exact parameters, the unit, the direction and the rate it runs at.
/// </summary>
public sealed record MetricInfo(
    string Key,
    string Name,
    string Unit,
    bool HigherIsBetter,
    double? Ideal,
    string Definition,
    string Parameters,
    string Reference,
    string Rate)
{
    public string Direction => HigherIsBetter ? "higher is better" : "lower is better";
}
