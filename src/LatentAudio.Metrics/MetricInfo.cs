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

    /// <summary>
    /// The figure depends on the signals' absolute level, not only on how they differ (loudness: LUFS, and its -70
    /// LUFS absolute gate). Where a signal exists at more than one level (reconstruct scores the model's peak-0.5
    /// input), such a figure is reported with its <see cref="LevelDomain"/>.
    /// </summary>
    public bool LevelDependent { get; init; }

    public string Direction => Better switch
    {
        MetricDirection.Higher => "higher is better",
        MetricDirection.Lower => "lower is better",
        MetricDirection.TowardIdeal => "closer to the ideal is better",
        _ => "no direction (descriptive)",
    };
}

/// <summary>
/// The level at which a level-dependent figure (<see cref="MetricInfo.LevelDependent"/>) was measured: the files as the
/// user has them, or the model's domain (mean removed, peak 0.5, as AudioLDM2's front-end normalises).
/// </summary>
public enum LevelDomain { File, Model }

/// <summary>Which way a metric improves.</summary>
public enum MetricDirection { Higher, Lower, TowardIdeal, None }
