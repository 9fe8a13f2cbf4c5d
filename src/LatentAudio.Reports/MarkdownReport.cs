using System.Globalization;
using System.Text;
using LatentAudio.Reconstruction;

namespace LatentAudio.Reports;

/// <summary>report.md: the metrics table, the stage attribution, settings and timings.</summary>
public static class MarkdownReport
{
    public static string Build(ReconstructionReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        if (r.Model.Warning is { } warning)
        {
            sb.AppendLine($"**WARNING — {warning}**");
            sb.AppendLine();
        }
        sb.AppendLine($"# Reconstruction of `{Path.GetFileName(r.InputPath)}`");
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"Model `{r.Model.Id}`{(r.Model.Revision is null ? "" : $" @ `{r.Model.Revision}`")}; {r.DurationSeconds:0.###} s at {r.ModelSampleRate} Hz, {r.Channels} channel(s), {r.Windows} window(s); metrics at {r.ModelSampleRate} Hz against `input.wav`."));
        sb.AppendLine();
        var table = new ReportTable(r);
        sb.AppendLine("| output | " + string.Join(" | ", table.Columns) + " |");
        sb.AppendLine("|---|" + string.Concat(table.Columns.Select(_ => "---:|")));
        foreach (var (output, cells) in table.Rows) sb.AppendLine($"| `{output}` | " + string.Join(" | ", cells) + " |");
        sb.AppendLine();
        if (table.LevelDomain is { } domain) sb.AppendLine("- " + domain);
        foreach (var f in table.Footnotes) sb.AppendLine("- " + f.Text);
        if (table.Footnotes.Count > 0 || table.LevelDomain is not null) sb.AppendLine();
        sb.AppendLine("## Where the loss is");
        sb.AppendLine();
        foreach (var line in ReportTable.Attribution(r)) sb.AppendLine("- " + line);
        sb.AppendLine();
        sb.AppendLine("## Files");
        sb.AppendLine();
        sb.AppendLine($"- `input.wav`: {OutputNames.Describe(OutputNames.Input)}");
        foreach (var o in r.Outputs) sb.AppendLine($"- `{o.FileName}`: {o.Description}");
        sb.AppendLine();
        sb.AppendLine("## Notes");
        sb.AppendLine();
        foreach (var n in r.Notes) sb.AppendLine("- " + n);
        sb.AppendLine();
        sb.AppendLine("## Timing");
        sb.AppendLine();
        sb.AppendLine("| stage | seconds |");
        sb.AppendLine("|---|---:|");
        foreach (var (stage, s) in r.StageSeconds) sb.AppendLine(string.Create(inv, $"| {stage} | {s:0.000} |"));
        sb.AppendLine(string.Create(inv, $"| **total** | **{r.TotalSeconds:0.000}** |"));
        sb.AppendLine();
        sb.AppendLine(string.Create(inv, $"Real-time factor {r.RealTimeFactor:0.000} (processing seconds per second of audio)."));
        return sb.ToString();
    }
}
