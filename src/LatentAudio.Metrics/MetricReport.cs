namespace LatentAudio.Metrics;

/// <summary>The scores of one pair and what was done to the pair to compute them.</summary>
public sealed class MetricReport(IReadOnlyList<(MetricInfo Info, MetricOutcome Outcome)> outcomes, IReadOnlyList<string> notes, int sampleRate, int samples)
{
    /// <summary>Every requested metric with its outcome, in registry order.</summary>
    public IReadOnlyList<(MetricInfo Info, MetricOutcome Outcome)> Outcomes { get; } = outcomes;
    /// <summary>Resampling, downmix, alignment, trimming, each metric's own notes ("key: ...") and any metric that
    /// could not be computed.</summary>
    public IReadOnlyList<string> Notes { get; } = notes;
    public int SampleRate { get; } = sampleRate;
    public int Samples { get; } = samples;

    /// <summary>The outcome of <paramref name="key"/>; throws for a key not in the report.</summary>
    public MetricOutcome Outcome(string key) =>
        Outcomes.FirstOrDefault(v => v.Info.Key == key).Outcome ?? throw new KeyNotFoundException($"metric '{key}' not in this report");

    /// <summary>The finite value of <paramref name="key"/>, null without one (<see cref="Outcome"/> says why).</summary>
    public double? this[string key] => Outcome(key).Value;

    /// <summary>snake_case key -> outcome, in report order.</summary>
    public IReadOnlyDictionary<string, MetricOutcome> ToDictionary() => Outcomes.ToDictionary(v => v.Info.Key, v => v.Outcome);
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
        var outcomes = new List<(MetricInfo, MetricOutcome)>(metrics.Count);
        foreach (var m in metrics)
        {
            var outcome = m.Evaluate(pair);
            outcomes.Add((m.Info, outcome));
            notes.AddRange(outcome.Notes.Select(n => $"{m.Info.Key}: {n}"));
            if (outcome.Value is null)
                notes.Add(outcome.Infinity != 0 ? $"{m.Info.Key}: {outcome.Reason}" : $"{m.Info.Key}: not computed ({outcome.Reason})");
        }
        return new MetricReport(outcomes, notes, pair.SampleRate, pair.Length);
    }
}
