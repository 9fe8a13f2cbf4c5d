using System.Net;
using System.Text;
using LatentAudio.Study;

namespace LatentAudio.Reports;

/// <summary>
/// summary.html: one self-contained page (inline SVG and CSS, no script, no network): per metric and model a bar
/// chart of the means per category and output with 95% interval whiskers and the per-item values as dots
/// (percentiles above <see cref="MaxDots"/> items); the stage attribution (vae_vocoder - oracle_vocoder) of every
/// model with its interval and legend; per model the rate-distortion curves when codec or Opus outputs were
/// evaluated; then the tables of summary.md and the failures per reason. Every chart has its own legend
/// (<see cref="SummaryCharts"/>).
/// </summary>
public static class SummaryHtml
{
    /// <summary>Above this many items a bar shows their percentiles instead of one dot each.</summary>
    public const int MaxDots = SummaryCharts.MaxDots;

    public static string Build(IReadOnlyList<KeyValuePair<string, string>> settings, SortedDictionary<string, CategoryGroup> groups, IReadOnlyList<EvaluationRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.AppendLine($"<title>Evaluation summary</title><style>{Css}</style></head><body><h1>Evaluation summary</h1>");
        sb.Append("<p class=\"settings\">");
        sb.Append(string.Join(" · ", settings.Select(kv => $"<b>{E(kv.Key)}</b> {E(kv.Value)}")));
        sb.AppendLine("</p>");
        if (groups.TryGetValue(EvaluationSummary.All, out var all))
        {
            sb.AppendLine($"<p>{all.Items} item(s) in {groups.Count - 1} categor{(groups.Count - 1 == 1 ? "y" : "ies")}; {all.Failures} item × model failure(s).</p>");
            if (all.FailureReasons.Count > 0)
            {
                sb.AppendLine("<h2>Failures</h2><table><thead><tr><th>reason</th>");
                foreach (var c in groups.Keys) sb.Append($"<th>{E(c)}</th>");
                sb.AppendLine("</tr></thead><tbody>");
                foreach (var reason in all.FailureReasons.Keys)
                {
                    sb.Append($"<tr><td>{E(reason)}</td>");
                    foreach (var c in groups.Values) sb.Append($"<td>{c.FailureReasons.GetValueOrDefault(reason)}</td>");
                    sb.AppendLine("</tr>");
                }
                sb.AppendLine("</tbody></table>");
            }
        }

        var categories = groups.Keys.Where(k => k != EvaluationSummary.All).Prepend(EvaluationSummary.All).Where(groups.ContainsKey).ToList();
        var models = groups.Values.SelectMany(g => g.Models.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var metrics = groups.Values.SelectMany(g => g.Models.Values).SelectMany(m => m.Outputs.Values).SelectMany(o => o.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        // The items' values per (model, output), the last row of each item winning as in the summary.
        var bySeries = rows.Where(r => !r.IsFailure).GroupBy(r => (r.Id, r.Model.Id, r.Output)).Select(g => g.Last())
            .ToLookup(r => (r.Model.Id, r.Output));

        sb.AppendLine("<h2>Metrics by category</h2><p>Per metric and model, bars: mean per category and output; whiskers: 95% interval of the mean (bootstrap; normal above " +
            $"{EvaluationSummary.BootstrapMaxN} items); dots: the items (above {MaxDots}, a box of their 5/25/50/75/95th percentiles). " +
            "Then the stage attribution of every model and, with codec or Opus outputs, each model's rate–distortion curves.</p>");
        foreach (var metric in metrics)
        {
            sb.AppendLine($"<section id=\"metric-{E(metric)}\"><h3>{E(metric)}</h3>");
            foreach (var model in models)
            {
                sb.AppendLine($"<h4>{E(model)}</h4>");
                sb.AppendLine(ModelBars(groups, categories, model, metric, bySeries));
            }
            var attribution = new List<ChartBar>();
            foreach (var c in categories)
                for (int mi = 0; mi < models.Count; mi++)
                    if (groups[c].Models.TryGetValue(models[mi], out var mg) && mg.Attribution.TryGetValue(metric, out var a) && a.Mean is double mean)
                        attribution.Add(new ChartBar(c, mi, mean, a.CiLow!.Value, a.CiHigh!.Value, []));
            if (attribution.Count > 0)
            {
                sb.AppendLine("<h4>Stage attribution: vae_vocoder − oracle_vocoder (paired per item; what the VAE adds)</h4>");
                sb.AppendLine(SummaryCharts.Bars("attribution", $" data-metric=\"{E(metric)}\"", attribution, categories, models));
            }
            foreach (var model in models)
            {
                var curves = RateCurves(groups, categories, model, metric);
                if (curves.Count > 0)
                    sb.AppendLine($"<h4>Rate–distortion: {E(model)}</h4>" + SummaryCharts.Rate($" data-metric=\"{E(metric)}\" data-model=\"{E(model)}\"", curves, categories));
            }
            sb.AppendLine("</section>");
        }

        sb.AppendLine("<h2>Tables</h2><p>Each cell: mean [95% interval] (n).</p>");
        foreach (var c in categories)
            foreach (var (model, m) in groups[c].Models)
            {
                sb.AppendLine($"<h3>{E(c)} — {E(model)}</h3><div class=\"scroll\"><table data-category=\"{E(c)}\" data-model=\"{E(model)}\"><thead><tr><th>metric</th>");
                foreach (var o in m.Outputs.Keys) sb.Append($"<th>{E(o)}</th>");
                sb.AppendLine("<th>attribution</th></tr></thead><tbody>");
                foreach (var k in m.Outputs.Values.SelectMany(o => o.Keys).Distinct().Order(StringComparer.Ordinal))
                {
                    sb.Append($"<tr><th>{E(k)}</th>");
                    foreach (var o in m.Outputs.Values) sb.Append($"<td>{E(SummaryJson.Cell(o.GetValueOrDefault(k)))}</td>");
                    sb.AppendLine($"<td>{E(SummaryJson.Cell(m.Attribution.GetValueOrDefault(k)))}</td></tr>");
                }
                sb.AppendLine("</tbody></table></div>");
                if (m.Fad is { } fad)
                {
                    sb.AppendLine($"<div class=\"scroll\"><table class=\"fad\" data-category=\"{E(c)}\" data-model=\"{E(model)}\"><thead><tr>" +
                        "<th>output</th><th>FD</th><th>n_ref</th><th>n_deg</th><th>FAD∞</th><th>embedding</th><th>weights sha256</th></tr></thead><tbody>");
                    foreach (var (o, f) in fad)
                        foreach (var cells in SummaryJson.FadCells(o, f))
                            sb.AppendLine("<tr>" + string.Concat(cells.Select(x => $"<td>{E(x)}</td>")) + "</tr>");
                    sb.AppendLine("</tbody></table></div>");
                }
            }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    /// <summary>One model's bar chart of <paramref name="metric"/>: a bar per category and output, with its items.</summary>
    private static string ModelBars(SortedDictionary<string, CategoryGroup> groups, List<string> categories, string model, string metric,
        ILookup<(string, string), EvaluationRow> bySeries)
    {
        var outputs = groups.Values.Where(g => g.Models.ContainsKey(model)).SelectMany(g => g.Models[model].Outputs)
            .Where(o => o.Value.ContainsKey(metric)).Select(o => o.Key).Distinct().Order(StringComparer.Ordinal).ToList();
        var bars = new List<ChartBar>();
        foreach (var c in categories)
            for (int s = 0; s < outputs.Count; s++)
            {
                if (!groups[c].Models.TryGetValue(model, out var mg) || !mg.Outputs.TryGetValue(outputs[s], out var os)
                    || !os.TryGetValue(metric, out var st) || st.Mean is not double mean) continue;
                var items = bySeries[(model, outputs[s])].Where(r => (c == EvaluationSummary.All || r.Category == c)
                    && r.Metrics.TryGetValue(metric, out var v) && v.Value is not null).Select(r => r.Metrics[metric].Value!.Value).ToList();
                bars.Add(new ChartBar(c, s, mean, st.CiLow!.Value, st.CiHigh!.Value, items));
            }
        return SummaryCharts.Bars("bars", $" data-metric=\"{E(metric)}\" data-model=\"{E(model)}\"", bars, categories, outputs);
    }

    /// <summary>One model's rate-distortion curves of <paramref name="metric"/>: per category, the latent codec and Opus.</summary>
    private static List<RateCurve> RateCurves(SortedDictionary<string, CategoryGroup> groups, List<string> categories, string model, string metric)
    {
        var curves = new List<RateCurve>();
        foreach (var c in categories)
        {
            if (!groups[c].Models.TryGetValue(model, out var m)) continue;
            foreach (var family in m.RateDistortion.GroupBy(p => p.Family))
            {
                var pts = family.Where(p => m.Outputs.TryGetValue(p.Output, out var o) && o.TryGetValue(metric, out var s) && s.Mean is not null)
                    .Select(p => (p.Kbps, m.Outputs[p.Output][metric].Mean!.Value)).OrderBy(p => p.Kbps).ToList();
                if (pts.Count > 0) curves.Add(new RateCurve($"{c} · {family.Key}", c, family.Key, pts));
            }
        }
        return curves;
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:800px;padding:0 .5rem;color:#222}
        table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}
        .scroll{overflow-x:auto}.chart{margin:0 0 1rem}.chart svg{width:100%;height:auto;font-size:11px}.grid{stroke:#eee}.zero{stroke:#888}
        .whisker{stroke:#222;stroke-width:1.2}.legend span{margin-right:1rem;white-space:nowrap}
        .legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
        .settings{font-size:.8rem;color:#555}
        """;
}
