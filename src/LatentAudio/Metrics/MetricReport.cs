namespace LatentAudio.Metrics;

/// <summary>One metric's outcome: its value, or null with the reason in <see cref="Note"/>.</summary>
public sealed record MetricValue(MetricInfo Info, double? Value, string? Note = null);

/// <summary>The scores of one pair and what was done to the pair to compute them.</summary>
public sealed class MetricReport(IReadOnlyList<MetricValue> values, IReadOnlyList<string> notes, int sampleRate, int samples)
{
    public IReadOnlyList<MetricValue> Values { get; } = values;
    /// <summary>Resampling, downmix, alignment, trimming, and any metric that could not be computed.</summary>
    public IReadOnlyList<string> Notes { get; } = notes;
    public int SampleRate { get; } = sampleRate;
    public int Samples { get; } = samples;

    /// <summary>The value of <paramref name="key"/> (null when unavailable); throws for a key not in the report.</summary>
    public double? this[string key] =>
        (Values.FirstOrDefault(v => v.Info.Key == key) ?? throw new KeyNotFoundException($"metric '{key}' not in this report")).Value;

    /// <summary>snake_case key -> value (null when unavailable), in report order.</summary>
    public IReadOnlyDictionary<string, double?> ToDictionary() => Values.ToDictionary(v => v.Info.Key, v => v.Value);
}

/// <summary>Scores pairs: the entry point for the CLI, the reconstruct report and the codec's RD curves.</summary>
public static class MetricEvaluator
{
    /// <summary>Prepares the pair (<see cref="MetricPair.Create"/>) and computes <paramref name="only"/> (keys) or
    /// every registered metric.</summary>
    public static MetricReport Evaluate(Audio.AudioBuffer reference, Audio.AudioBuffer degraded, MetricOptions? options = null, IEnumerable<string>? only = null) =>
        Evaluate(MetricPair.Create(reference, degraded, options), MetricRegistry.Select(only));

    public static MetricReport Evaluate(MetricPair pair, IReadOnlyList<IMetric> metrics)
    {
        var notes = pair.Notes.ToList();
        var values = new List<MetricValue>(metrics.Count);
        foreach (var m in metrics)
        {
            try
            {
                values.Add(new MetricValue(m.Info, m.Compute(pair)));
            }
            catch (MetricUnavailableException e)
            {
                values.Add(new MetricValue(m.Info, null, e.Message));
                notes.Add($"{m.Info.Key}: not computed ({e.Message})");
            }
        }
        return new MetricReport(values, notes, pair.SampleRate, pair.Length);
    }
}
