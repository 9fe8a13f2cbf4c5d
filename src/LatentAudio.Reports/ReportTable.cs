using System.Globalization;
using LatentAudio.Metrics;
using LatentAudio.Reconstruction;

namespace LatentAudio.Reports;

/// <summary>The metrics table shared by the Markdown and HTML reports: one row per output, one column per metric.</summary>
public sealed class ReportTable
{
    public ReportTable(ReconstructionReport report)
    {
        // the headline metrics first, so a narrow screen shows them without scrolling; then the rest in their order
        var keys = report.Outputs.SelectMany(o => o.Metrics.Keys).Distinct().ToList();
        Columns = [.. Headline.Where(keys.Contains), .. keys.Where(k => !Headline.Contains(k))];
        Rows = report.Outputs.Select(o => (o.Name, Columns.Select(c => o.Metrics.TryGetValue(c, out var v) ? Format(v) : "").ToList())).ToList();
        Footnotes = report.Outputs.SelectMany(o => o.Metrics.SelectMany(kv => Footnote(o.Name, kv.Key, kv.Value))).ToList();
        LevelKeys = Columns.Where(k => MetricRegistry.Find(k)?.Info.LevelDependent == true).ToList();
        LevelDomain = LevelKeys.Count == 0 ? null : LevelDomainLine(report.LevelDomain, LevelKeys);
    }

    /// <summary>The columns that depend on absolute level (<see cref="MetricInfo.LevelDependent"/>).</summary>
    public IReadOnlyList<string> LevelKeys { get; }

    /// <summary>Where the level-dependent columns were measured, as one line; null when there are none.</summary>
    public string? LevelDomain { get; }

    /// <summary>"level domain: file (lufs_ref, ... measured on the files as written, gain restored)" or the model's.</summary>
    public static string LevelDomainLine(LevelDomain domain, IEnumerable<string> keys) =>
        $"level domain: {LevelDomainName(domain)} ({string.Join(", ", keys)} measured " + (domain == Metrics.LevelDomain.File
            ? "on the files as written: the input as read, the outputs with the gain restored)"
            : "in the model's domain: mean removed, peak 0.5, as the outputs were written)");

    /// <summary>The domain as metrics.json spells it.</summary>
    public static string LevelDomainName(LevelDomain domain) => domain == Metrics.LevelDomain.File ? "file" : "model";

    private static IEnumerable<(string Output, string Key, string Text)> Footnote(string output, string key, MetricOutcome o)
    {
        if (o.Value is null) yield return (output, key, $"{output} {key}: {o.Reason}");
        else if (o.Partial) yield return (output, key, $"{output} {key}*: partial, the mean over {o.Coverage} only; {o.Reason}");
        foreach (var note in o.Notes) yield return (output, key, $"{output} {key}: {note}");
    }

    /// <summary>The columns shown first, in this order, when they were computed.</summary>
    public static readonly string[] Headline = ["pesq_wb", "stoi", "visqol_audio", "visqol_speech", "mel_distance", "lsd", "si_sdr"];

    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<(string Output, List<string> Cells)> Rows { get; }
    /// <summary>Why a cell is n/a, +inf/-inf or starred (partial: what it covers), and the metrics' own notes.</summary>
    public IReadOnlyList<(string Output, string Key, string Text)> Footnotes { get; }

    /// <summary>A cell: the value; "n/a", "+inf" or "-inf" without one (the reason is a footnote); a star marks a
    /// partial mean.</summary>
    public static string Format(MetricOutcome o) =>
        o.Value is double v ? Format(v) + (o.Partial ? "*" : "")
        : o.Infinity > 0 ? "+inf" : o.Infinity < 0 ? "-inf" : "n/a";

    public static string Format(double v) =>
        !double.IsFinite(v) ? "n/a"
        : Math.Abs(v) >= 100 ? v.ToString("0.0", CultureInfo.InvariantCulture)
        : v.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>The stage-attribution sentences: which step lost what (only of the outputs that were made).</summary>
    public static IEnumerable<string> Attribution(ReconstructionReport r)
    {
        bool Made(string name) => r.Outputs.Any(o => o.Name == name);
        bool vocoder = Made(OutputNames.OracleVocoder) && Made(OutputNames.VaeVocoder);
        bool griffinLim = Made(OutputNames.OracleGriffinLim) && Made(OutputNames.VaeGriffinLim);
        if (vocoder)
        {
            yield return $"input -> {OutputNames.OracleVocoder}: the front-end + vocoder loss (no VAE).";
            yield return $"{OutputNames.OracleVocoder} -> {OutputNames.VaeVocoder}: what the VAE adds.";
        }
        if (griffinLim)
        {
            yield return vocoder
                ? $"{OutputNames.OracleGriffinLim} / {OutputNames.VaeGriffinLim}: what replacing the vocoder with Griffin-Lim costs."
                : $"input -> {OutputNames.OracleGriffinLim}: the front-end + Griffin-Lim loss (no VAE); {OutputNames.OracleGriffinLim} -> {OutputNames.VaeGriffinLim}: what the VAE adds.";
        }
        yield return string.Create(CultureInfo.InvariantCulture,
            $"VAE alone, in the model's natural-log mel domain (input mel vs decoded mel): MAE {r.VaeMelMae:0.0000}, max {r.VaeMelMax:0.0000}.");
    }
}
