using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LatentAudio.Metrics;

namespace LatentAudio.Reports;

/// <summary>CSV and a self-contained HTML page (inline SVG plots) for rd results.</summary>
public static class RateDistortionReport
{
    private static readonly string[] Fixed = ["input", "codec", "setting", "actual_kbps", "entropy_kbps", "zstd_kbps"];

    private static List<string> MetricNames(List<Dictionary<string, object>> rows) =>
        rows.SelectMany(r => r.Keys).Distinct().Where(k => !Fixed.Contains(k)).ToList();

    /// <summary>One point as JSON: metric outcomes in the encoding of metrics.json (<see cref="OutcomeJson"/>).</summary>
    public static JsonObject Json(Dictionary<string, object> row)
    {
        var node = new JsonObject();
        foreach (var (k, v) in row)
            node[k] = v switch
            {
                MetricOutcome o => OutcomeJson.Write(o),
                double d => d,
                _ => Convert.ToString(v, CultureInfo.InvariantCulture),
            };
        return node;
    }

    /// <summary>A metric without a value leaves its cell empty; the last column, "reasons", says why.</summary>
    public static string Csv(List<Dictionary<string, object>> rows)
    {
        var cols = Fixed.Concat(MetricNames(rows)).ToList();
        var sb = new StringBuilder(string.Join(",", cols.Append("reasons"))).Append('\n');
        foreach (var r in rows)
        {
            var reasons = string.Join("; ", r.Where(kv => kv.Value is MetricOutcome { Value: null }).Select(kv => $"{kv.Key}: {((MetricOutcome)kv.Value).Reason}"));
            sb.Append(string.Join(",", cols.Select(c => r.TryGetValue(c, out var v) ? Cell(v) : "").Append(Cell(reasons)))).Append('\n');
        }
        return sb.ToString();
    }

    private static string Cell(object v) => v switch
    {
        MetricOutcome o => o.Value is double ov ? ov.ToString("R", CultureInfo.InvariantCulture) : "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s when s.Contains(',') || s.Contains('"') => "\"" + s.Replace("\"", "\"\"") + "\"",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    public static string Html(List<Dictionary<string, object>> rows, string model)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>LatentAudio rate–distortion</title>")
          .Append("<style>body{font-family:sans-serif;margin:2em}svg{margin:1em;border:1px solid #ccc}</style></head><body>")
          .Append($"<h1>Rate–distortion: latent codec vs Opus</h1><p>Model {Esc(model)}. Bitrates are actual file bytes ÷ duration.</p>");
        foreach (var input in rows.Select(r => (string)r["input"]).Distinct())
        {
            sb.Append($"<h2>{Esc(input)}</h2>");
            var mine = rows.Where(r => (string)r["input"] == input).ToList();
            foreach (var metric in MetricNames(rows)) sb.Append(Plot(mine, metric));
        }
        return sb.Append("</body></html>").ToString();
    }

    private static string Plot(List<Dictionary<string, object>> rows, string metric)
    {
        const int W = 420, H = 280, L = 50, B = 40;
        var pts = rows.Where(r => r.TryGetValue(metric, out var m) && m is MetricOutcome { Value: not null })
            .Select(r => (Codec: (string)r["codec"], X: (double)r["actual_kbps"], Y: ((MetricOutcome)r[metric]).Value!.Value)).ToList();
        var ceiling = pts.Where(p => p.Codec == "latent-ceiling").ToList();
        pts = pts.Where(p => p.Codec != "latent-ceiling").ToList();
        if (pts.Count == 0) return "";
        double x0 = 0, x1 = pts.Max(p => p.X) * 1.05, y0 = pts.Min(p => p.Y), y1 = pts.Max(p => p.Y);
        foreach (var c in ceiling) { y0 = Math.Min(y0, c.Y); y1 = Math.Max(y1, c.Y); }
        if (y1 - y0 < 1e-9) { y0 -= 1; y1 += 1; }
        string Px(double x) => (L + (x - x0) / (x1 - x0) * (W - L - 10)).ToString("0.#", CultureInfo.InvariantCulture);
        string Py(double y) => (H - B - (y - y0) / (y1 - y0) * (H - B - 10)).ToString("0.#", CultureInfo.InvariantCulture);
        var sb = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\">");
        sb.Append($"<text x=\"{W / 2}\" y=\"{H - 5}\" text-anchor=\"middle\" font-size=\"12\">kbps (actual)</text>");
        sb.Append($"<text x=\"12\" y=\"{H / 2}\" font-size=\"12\" transform=\"rotate(-90 12 {H / 2})\" text-anchor=\"middle\">{Esc(metric)}</text>");
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"<text x=\"{L}\" y=\"{H - B + 14}\" font-size=\"10\">0</text><text x=\"{W - 40}\" y=\"{H - B + 14}\" font-size=\"10\">{x1:0.#}</text>"));
        sb.Append(string.Create(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"{Py(y1)}\" font-size=\"10\">{y1:0.##}</text><text x=\"2\" y=\"{Py(y0)}\" font-size=\"10\">{y0:0.##}</text>"));
        foreach (var c in ceiling) // the unquantised latent (102.4 kbps nominal) as a horizontal reference line
            sb.Append($"<line x1=\"{L}\" x2=\"{W - 10}\" y1=\"{Py(c.Y)}\" y2=\"{Py(c.Y)}\" stroke=\"#888\" stroke-dasharray=\"5,4\"/><text x=\"{W - 120}\" y=\"{Py(c.Y)}\" font-size=\"10\" fill=\"#555\">unquantised latent</text>");
        string[] colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
        int ci = 0;
        foreach (var g in pts.GroupBy(p => p.Codec))
        {
            var c = colours[ci++ % colours.Length];
            var line = g.OrderBy(p => p.X).ToList();
            sb.Append($"<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{string.Join(" ", line.Select(p => Px(p.X) + "," + Py(p.Y)))}\"/>");
            foreach (var p in line) sb.Append($"<circle cx=\"{Px(p.X)}\" cy=\"{Py(p.Y)}\" r=\"3\" fill=\"{c}\"/>");
            sb.Append($"<text x=\"{L + 10}\" y=\"{14 * ci}\" font-size=\"11\" fill=\"{c}\">{Esc(g.Key)}</text>");
        }
        return sb.Append("</svg>").ToString();
    }

    private static string Esc(string s) => System.Net.WebUtility.HtmlEncode(s);
}
