using System.Globalization;
using System.Net;
using System.Text;
using LatentAudio.Study;

namespace LatentAudio.Reports;

/// <summary>
/// summary.html: one self-contained page (inline SVG and CSS, no script, no network): per metric a bar chart of the
/// means per category and output with 95% interval whiskers, the per-item values as dots (percentiles above <see cref="MaxDots"/> items), the stage attribution
/// (vae_vocoder - oracle_vocoder) with its interval, rate-distortion curves when codec or Opus outputs were
/// evaluated; then the tables of summary.md and the failures per reason.
/// </summary>
public static class SummaryHtml
{
    private static readonly string[] Palette = ["#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb", "#000000"];
    private const int Width = 760;
    /// <summary>Above this many items a bar shows their percentiles instead of one dot each.</summary>
    public const int MaxDots = 200;

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
        var outputs = groups.Values.SelectMany(g => g.Models.Values).SelectMany(m => m.Outputs.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var metrics = groups.Values.SelectMany(g => g.Models.Values).SelectMany(m => m.Outputs.Values).SelectMany(o => o.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var series = models.SelectMany(m => outputs.Select(o => (Model: m, Output: o))).ToList();
        string Label((string Model, string Output) s) => models.Count > 1 ? $"{s.Model}: {s.Output}" : s.Output;
        // The items' values per (model, output), the last row of each item winning as in the summary.
        var bySeries = rows.Where(r => !r.IsFailure).GroupBy(r => (r.Id, r.Model.Id, r.Output)).Select(g => g.Last())
            .ToLookup(r => (r.Model.Id, r.Output));

        sb.AppendLine("<h2>Metrics by category</h2><p>Bars: mean; whiskers: 95% interval of the mean (bootstrap; normal above " +
            $"{EvaluationSummary.BootstrapMaxN} items); dots: the items (above {MaxDots}, a box of their 5/25/50/75/95th percentiles).</p>");
        sb.Append("<p class=\"legend\">");
        for (int i = 0; i < series.Count; i++) sb.Append($"<span><i style=\"background:{Palette[i % Palette.Length]}\"></i>{E(Label(series[i]))}</span>");
        sb.AppendLine("</p>");
        foreach (var metric in metrics)
        {
            sb.AppendLine($"<section id=\"metric-{E(metric)}\"><h3>{E(metric)}</h3>");
            var bars = new List<Bar>();
            foreach (var c in categories)
                for (int s = 0; s < series.Count; s++)
                {
                    var (m, o) = series[s];
                    MetricStats? st = groups[c].Models.TryGetValue(m, out var mg) && mg.Outputs.TryGetValue(o, out var os) && os.TryGetValue(metric, out var x) ? x : null;
                    var dots = bySeries[(m, o)].Where(r => (c == EvaluationSummary.All || r.Category == c)
                        && r.Metrics.TryGetValue(metric, out var v) && v.Value is not null).Select(r => r.Metrics[metric].Value!.Value).ToList();
                    if (st?.Mean is not null) bars.Add(new Bar(c, s, st.Mean.Value, st.CiLow!.Value, st.CiHigh!.Value, dots));
                }
            sb.AppendLine(BarChart(bars, categories, series.Count));
            var attribution = new List<Bar>();
            foreach (var c in categories)
                for (int mi = 0; mi < models.Count; mi++)
                    if (groups[c].Models.TryGetValue(models[mi], out var mg) && mg.Attribution.TryGetValue(metric, out var a) && a.Mean is double mean)
                        attribution.Add(new Bar(c, mi, mean, a.CiLow!.Value, a.CiHigh!.Value, []));
            if (attribution.Count > 0)
            {
                sb.AppendLine("<h4>Stage attribution: vae_vocoder − oracle_vocoder (paired per item; what the VAE adds)</h4>");
                sb.AppendLine(BarChart(attribution, categories, models.Count));
            }
            var curves = RateCurves(groups, categories, models, metric);
            if (curves.Length > 0) sb.AppendLine("<h4>Rate–distortion</h4>" + curves);
            sb.AppendLine("</section>");
        }

        sb.AppendLine("<h2>Tables</h2><p>Each cell: mean [95% interval] (n).</p>");
        foreach (var c in categories)
            foreach (var (model, m) in groups[c].Models)
            {
                sb.AppendLine($"<h3>{E(c)} — {E(model)}</h3><div class=\"scroll\"><table><thead><tr><th>metric</th>");
                foreach (var o in m.Outputs.Keys) sb.Append($"<th>{E(o)}</th>");
                sb.AppendLine("<th>attribution</th></tr></thead><tbody>");
                foreach (var k in m.Outputs.Values.SelectMany(o => o.Keys).Distinct().Order(StringComparer.Ordinal))
                {
                    sb.Append($"<tr><th>{E(k)}</th>");
                    foreach (var o in m.Outputs.Values) sb.Append($"<td>{E(SummaryJson.Cell(o.GetValueOrDefault(k)))}</td>");
                    sb.AppendLine($"<td>{E(SummaryJson.Cell(m.Attribution.GetValueOrDefault(k)))}</td></tr>");
                }
                sb.AppendLine("</tbody></table></div>");
            }
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private sealed record Bar(string Group, int Series, double Mean, double Low, double High, IReadOnlyList<double> Dots);

    private static string BarChart(List<Bar> bars, List<string> groups, int seriesCount)
    {
        if (bars.Count == 0) return "<p>no values</p>";
        var all = bars.SelectMany(b => b.Dots.Append(b.Low).Append(b.High).Append(b.Mean)).Append(0.0).ToList();
        double lo = all.Min(), hi = all.Max();
        if (hi - lo < 1e-12) { hi += 1; lo -= 1; }
        const int top = 10, plotH = 180, left = 60, bottom = 40;
        int groupW = (Width - left - 10) / Math.Max(1, groups.Count);
        int barW = Math.Max(4, (groupW - 16) / Math.Max(1, seriesCount));
        double Y(double v) => top + (hi - v) / (hi - lo) * plotH;
        var sb = new StringBuilder();
        sb.Append(F($"<svg class=\"chart\" viewBox=\"0 0 {Width} {top + plotH + bottom}\" role=\"img\">"));
        foreach (var t in Ticks(lo, hi))
            sb.Append(F($"<line x1=\"{left}\" x2=\"{Width - 10}\" y1=\"{Y(t):0.#}\" y2=\"{Y(t):0.#}\" class=\"grid\"/><text x=\"{left - 4}\" y=\"{Y(t) + 4:0.#}\" text-anchor=\"end\">{t:G4}</text>"));
        sb.Append(F($"<line x1=\"{left}\" x2=\"{Width - 10}\" y1=\"{Y(0):0.#}\" y2=\"{Y(0):0.#}\" class=\"zero\"/>"));
        for (int g = 0; g < groups.Count; g++)
        {
            int gx = left + g * groupW + 8;
            sb.Append(F($"<text x=\"{gx + (groupW - 16) / 2}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\">{E(groups[g])}</text>"));
            foreach (var b in bars.Where(b => b.Group == groups[g]))
            {
                double x = gx + b.Series * barW, y0 = Y(Math.Max(0, b.Mean)), y1 = Y(Math.Min(0, b.Mean)), cx = x + barW / 2.0;
                string color = Palette[b.Series % Palette.Length];
                sb.Append(F($"<rect x=\"{x + 1:0.#}\" y=\"{y0:0.#}\" width=\"{barW - 2}\" height=\"{Math.Max(0.5, y1 - y0):0.#}\" fill=\"{color}\" fill-opacity=\"0.55\"><title>{b.Mean:G6} [{b.Low:G6}, {b.High:G6}]</title></rect>"));
                sb.Append(F($"<line x1=\"{cx:0.#}\" x2=\"{cx:0.#}\" y1=\"{Y(b.Low):0.#}\" y2=\"{Y(b.High):0.#}\" class=\"whisker\"/>"));
                sb.Append(F($"<line x1=\"{cx - 4:0.#}\" x2=\"{cx + 4:0.#}\" y1=\"{Y(b.Low):0.#}\" y2=\"{Y(b.Low):0.#}\" class=\"whisker\"/><line x1=\"{cx - 4:0.#}\" x2=\"{cx + 4:0.#}\" y1=\"{Y(b.High):0.#}\" y2=\"{Y(b.High):0.#}\" class=\"whisker\"/>"));
                if (b.Dots.Count <= MaxDots)
                    for (int i = 0; i < b.Dots.Count; i++)
                    {
                        double jitter = (i * 0.618034 % 1 - 0.5) * (barW - 6) * 0.6;
                        sb.Append(F($"<circle cx=\"{cx + jitter:0.#}\" cy=\"{Y(b.Dots[i]):0.#}\" r=\"2\" fill=\"{color}\"/>"));
                    }
                else
                {
                    // Too many items for dots (the page stays small): their 5th, 25th, 50th, 75th and 95th percentiles.
                    var sorted = b.Dots.Order().ToArray();
                    double P(double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
                    double w = Math.Max(2, barW / 3.0), bx = cx + barW / 4.0;
                    sb.Append(F($"<line x1=\"{bx:0.#}\" x2=\"{bx:0.#}\" y1=\"{Y(P(0.05)):0.#}\" y2=\"{Y(P(0.95)):0.#}\" stroke=\"{color}\"/>"));
                    sb.Append(F($"<rect x=\"{bx - w / 2:0.#}\" y=\"{Y(P(0.75)):0.#}\" width=\"{w:0.#}\" height=\"{Math.Max(0.5, Y(P(0.25)) - Y(P(0.75))):0.#}\" fill=\"none\" stroke=\"{color}\"><title>items: 5/25/50/75/95% {P(0.05):G4} {P(0.25):G4} {P(0.5):G4} {P(0.75):G4} {P(0.95):G4}</title></rect>"));
                    sb.Append(F($"<line x1=\"{bx - w / 2:0.#}\" x2=\"{bx + w / 2:0.#}\" y1=\"{Y(P(0.5)):0.#}\" y2=\"{Y(P(0.5)):0.#}\" stroke=\"{color}\"/>"));
                }
            }
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string RateCurves(SortedDictionary<string, CategoryGroup> groups, List<string> categories, List<string> models, string metric)
    {
        var lines = new List<(string Label, List<(double Kbps, double Value)> Points)>();
        foreach (var c in categories)
            foreach (var model in models)
            {
                if (!groups[c].Models.TryGetValue(model, out var m)) continue;
                foreach (var family in m.RateDistortion.GroupBy(p => p.Family))
                {
                    var pts = family.Where(p => m.Outputs.TryGetValue(p.Output, out var o) && o.TryGetValue(metric, out var s) && s.Mean is not null)
                        .Select(p => (p.Kbps, m.Outputs[p.Output][metric].Mean!.Value)).OrderBy(p => p.Kbps).ToList();
                    if (pts.Count > 0) lines.Add(($"{c} · {family.Key}{(models.Count > 1 ? " · " + model : "")}", pts));
                }
            }
        if (lines.Count == 0) return "";
        var xs = lines.SelectMany(l => l.Points.Select(p => p.Kbps)).ToList();
        var ys = lines.SelectMany(l => l.Points.Select(p => p.Value)).ToList();
        double x0 = 0, x1 = xs.Max() * 1.05, y0 = ys.Min(), y1 = ys.Max();
        if (y1 - y0 < 1e-12) { y0 -= 1; y1 += 1; }
        const int top = 10, plotH = 200, left = 60, bottom = 36;
        int plotW = Width - left - 180;
        double X(double v) => left + (v - x0) / (x1 - x0) * plotW;
        double Y(double v) => top + (y1 - v) / (y1 - y0) * plotH;
        var sb = new StringBuilder();
        sb.Append(F($"<svg class=\"chart\" viewBox=\"0 0 {Width} {top + plotH + bottom}\" role=\"img\">"));
        foreach (var t in Ticks(y0, y1)) sb.Append(F($"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{Y(t):0.#}\" y2=\"{Y(t):0.#}\" class=\"grid\"/><text x=\"{left - 4}\" y=\"{Y(t) + 4:0.#}\" text-anchor=\"end\">{t:G4}</text>"));
        foreach (var t in Ticks(x0, x1)) sb.Append(F($"<text x=\"{X(t):0.#}\" y=\"{top + plotH + 14}\" text-anchor=\"middle\">{t:G4}</text>"));
        sb.Append(F($"<text x=\"{left + plotW / 2}\" y=\"{top + plotH + 30}\" text-anchor=\"middle\">kbps (measured)</text>"));
        for (int i = 0; i < lines.Count; i++)
        {
            string color = Palette[i % Palette.Length];
            var (label, pts) = lines[i];
            sb.Append($"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{string.Join(" ", pts.Select(p => F($"{X(p.Kbps):0.#},{Y(p.Value):0.#}")))}\"/>");
            foreach (var p in pts) sb.Append(F($"<circle cx=\"{X(p.Kbps):0.#}\" cy=\"{Y(p.Value):0.#}\" r=\"3\" fill=\"{color}\"><title>{p.Kbps:0.##} kbps: {p.Value:G6}</title></circle>"));
            sb.Append(F($"<text x=\"{left + plotW + 10}\" y=\"{top + 12 + 14 * i}\" fill=\"{color}\">{E(label)}</text>"));
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static IEnumerable<double> Ticks(double lo, double hi)
    {
        double raw = (hi - lo) / 5, mag = Math.Pow(10, Math.Floor(Math.Log10(raw))), step = new[] { 1, 2, 5, 10 }.Select(m => m * mag).First(s => s >= raw);
        for (double t = Math.Ceiling(lo / step) * step; t <= hi + step * 1e-9; t += step) yield return Math.Abs(t) < step * 1e-9 ? 0 : t;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    private static string E(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:800px;padding:0 .5rem;color:#222}
        table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}
        .scroll{overflow-x:auto}.chart{width:100%;height:auto;font-size:11px}.grid{stroke:#eee}.zero{stroke:#888}
        .whisker{stroke:#222;stroke-width:1.2}.legend span{margin-right:1rem;white-space:nowrap}
        .legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
        .settings{font-size:.8rem;color:#555}
        """;
}
