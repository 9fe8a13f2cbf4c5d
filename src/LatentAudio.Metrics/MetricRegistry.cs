namespace LatentAudio.Metrics;

/// <summary>
/// The metrics `latentaudio metrics` runs, in output order. Adding one is one line here: an <see cref="IMetric"/>,
/// or <c>new Metric(info, pair =&gt; ...)</c> around another module's function.
/// </summary>
public static class MetricRegistry
{
    public static IReadOnlyList<IMetric> All { get; } =
    [
        MetricCatalog.Snr,
        MetricCatalog.SiSdr,
        MetricCatalog.Pearson,
        MetricCatalog.BestLag,
        MetricCatalog.SnrAligned,
        MetricCatalog.SiSdrAligned,
        MetricCatalog.SpectralCorr,
        MetricCatalog.LogMelCorr,
        MetricCatalog.Lsd,
        MetricCatalog.MelDistanceDac,
        MetricCatalog.MelDistanceAudiotools,
        MetricCatalog.MrStft,
        MetricCatalog.SpectralConvergence,
        MetricCatalog.Mcd,
        MetricCatalog.McdNoC0,
        MetricCatalog.StoiClassic,
        MetricCatalog.StoiExtended,
        PerceptualMetrics.PesqWideBand,
        PerceptualMetrics.PesqNarrowBand,
        PerceptualMetrics.VisqolAudio,
        PerceptualMetrics.VisqolSpeech,
        MetricCatalog.LufsRef,
        MetricCatalog.LufsDeg,
        MetricCatalog.LufsDiff,
    ];

    public static IMetric? Find(string key) => All.FirstOrDefault(m => m.Info.Key == key);

    /// <summary>The metrics named in <paramref name="keys"/> (in registry order), or all when null/empty.</summary>
    public static IReadOnlyList<IMetric> Select(IEnumerable<string>? keys)
    {
        var wanted = keys?.Select(k => k.Trim()).Where(k => k.Length > 0).ToList();
        if (wanted is null || wanted.Count == 0) return All;
        var unknown = wanted.Where(k => Find(k) is null).ToList();
        if (unknown.Count > 0)
            throw new InvalidInputException($"unknown metric '{unknown[0]}' (known: {string.Join(", ", All.Select(m => m.Info.Key))})");
        return All.Where(m => wanted.Contains(m.Info.Key)).ToList();
    }
}
