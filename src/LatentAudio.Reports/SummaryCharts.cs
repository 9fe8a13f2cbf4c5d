using System.Globalization;
using System.Net;
using System.Text;

namespace LatentAudio.Reports;

/// <summary>One bar of a summary chart: a mean with its 95% interval and, when known, the items it is the mean of.</summary>
internal sealed record ChartBar(string Category, int Series, double Mean, double Low, double High, IReadOnlyList<double> Items);

/// <summary>One rate-distortion curve: its label and its (measured kbps, metric mean) points.</summary>
internal sealed record RateCurve(string Label, string Category, string Family, IReadOnlyList<(double Kbps, double Value)> Points);

/// <summary>
/// The inline SVG charts of summary.html, each a <c>&lt;figure class="chart KIND"&gt;</c> with its own legend (a
/// <c>&lt;figcaption&gt;</c> whose entries carry <c>data-series</c>), so every chart reads on its own. Bars and curves
/// carry their category, series and value as <c>data-</c> attributes: what the browser test checks.
/// </summary>
internal static class SummaryCharts
{
    public static readonly string[] Palette = ["#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb", "#000000"];
    public const int Width = 760;
    /// <summary>Above this many items a bar shows their percentiles instead of one dot each.</summary>
    public const int MaxDots = 200;

    /// <summary>A legend: one coloured mark and label per series, in series order.</summary>
    public static string Legend(IReadOnlyList<string> labels, Func<int, string>? style = null)
    {
        var sb = new StringBuilder("<figcaption class=\"legend\">");
        for (int i = 0; i < labels.Count; i++)
            sb.Append($"<span data-series=\"{E(labels[i])}\"><i style=\"{style?.Invoke(i) ?? "background:" + Color(i)}\"></i>{E(labels[i])}</span>");
        return sb.Append("</figcaption>").ToString();
    }

    public static string Color(int i) => Palette[i % Palette.Length];

    /// <summary>Grouped bars (a group per category, a bar per series) with interval whiskers and the items as dots
    /// (above <see cref="MaxDots"/>, a box of their 5/25/50/75/95th percentiles).</summary>
    public static string Bars(string kind, string attributes, IReadOnlyList<ChartBar> bars, IReadOnlyList<string> categories, IReadOnlyList<string> series)
    {
        var sb = new StringBuilder($"<figure class=\"chart {kind}\"{attributes}>");
        if (bars.Count == 0) return sb.Append("<p>no values</p></figure>").ToString();
        var all = bars.SelectMany(b => b.Items.Append(b.Low).Append(b.High).Append(b.Mean)).Append(0.0).ToList();
        double lo = all.Min(), hi = all.Max();
        if (hi - lo < 1e-12) { hi += 1; lo -= 1; }
        const int top = 10, plotH = 180, left = 60, bottom = 40;
        int groupW = (Width - left - 10) / Math.Max(1, categories.Count);
        int barW = Math.Max(4, (groupW - 16) / Math.Max(1, series.Count));
        double Y(double v) => top + (hi - v) / (hi - lo) * plotH;
        sb.Append(F($"<svg viewBox=\"0 0 {Width} {top + plotH + bottom}\" role=\"img\">"));
        foreach (var t in Ticks(lo, hi))
            sb.Append(F($"<line x1=\"{left}\" x2=\"{Width - 10}\" y1=\"{Y(t):0.#}\" y2=\"{Y(t):0.#}\" class=\"grid\"/><text x=\"{left - 4}\" y=\"{Y(t) + 4:0.#}\" text-anchor=\"end\">{t:G4}</text>"));
        sb.Append(F($"<line x1=\"{left}\" x2=\"{Width - 10}\" y1=\"{Y(0):0.#}\" y2=\"{Y(0):0.#}\" class=\"zero\"/>"));
        for (int g = 0; g < categories.Count; g++)
        {
            int gx = left + g * groupW + 8;
            sb.Append(F($"<text x=\"{gx + (groupW - 16) / 2}\" y=\"{top + plotH + 16}\" text-anchor=\"middle\">{E(categories[g])}</text>"));
            foreach (var b in bars.Where(b => b.Category == categories[g]))
            {
                double x = gx + b.Series * barW, y0 = Y(Math.Max(0, b.Mean)), y1 = Y(Math.Min(0, b.Mean)), cx = x + barW / 2.0;
                string color = Color(b.Series);
                sb.Append(F($"<g class=\"bar\" data-category=\"{E(b.Category)}\" data-series=\"{E(series[b.Series])}\" data-mean=\"{b.Mean:R}\">"));
                sb.Append(F($"<rect x=\"{x + 1:0.#}\" y=\"{y0:0.#}\" width=\"{barW - 2}\" height=\"{Math.Max(0.5, y1 - y0):0.#}\" fill=\"{color}\" fill-opacity=\"0.55\"><title>{E(series[b.Series])}, {E(b.Category)}: {b.Mean:G6} [{b.Low:G6}, {b.High:G6}]</title></rect>"));
                // The interval: a vertical line from the low end (y1) to the high end (y2), and a cap at each end.
                sb.Append(F($"<line x1=\"{cx:0.#}\" x2=\"{cx:0.#}\" y1=\"{Y(b.Low):0.##}\" y2=\"{Y(b.High):0.##}\" class=\"whisker\"/>"));
                sb.Append(F($"<line x1=\"{cx - 4:0.#}\" x2=\"{cx + 4:0.#}\" y1=\"{Y(b.Low):0.#}\" y2=\"{Y(b.Low):0.#}\" class=\"whisker\"/><line x1=\"{cx - 4:0.#}\" x2=\"{cx + 4:0.#}\" y1=\"{Y(b.High):0.#}\" y2=\"{Y(b.High):0.#}\" class=\"whisker\"/>"));
                if (b.Items.Count <= MaxDots)
                    for (int i = 0; i < b.Items.Count; i++)
                    {
                        double jitter = (i * 0.618034 % 1 - 0.5) * (barW - 6) * 0.6;
                        sb.Append(F($"<circle class=\"item\" cx=\"{cx + jitter:0.#}\" cy=\"{Y(b.Items[i]):0.#}\" r=\"2\" fill=\"{color}\"/>"));
                    }
                else
                    sb.Append(Percentiles(b.Items, cx + barW / 4.0, Math.Max(2, barW / 3.0), color, Y));
                sb.Append("</g>");
            }
        }
        sb.Append("</svg>").Append(Legend(series)).Append("</figure>");
        return sb.ToString();
    }

    /// <summary>Too many items for dots (the page stays small): their 5th, 25th, 50th, 75th and 95th percentiles.</summary>
    private static string Percentiles(IReadOnlyList<double> items, double bx, double w, string color, Func<double, double> Y)
    {
        var sorted = items.Order().ToArray();
        double P(double q) => sorted[(int)Math.Round(q * (sorted.Length - 1))];
        return F($"<line x1=\"{bx:0.#}\" x2=\"{bx:0.#}\" y1=\"{Y(P(0.05)):0.#}\" y2=\"{Y(P(0.95)):0.#}\" stroke=\"{color}\"/>") +
            F($"<rect class=\"items\" x=\"{bx - w / 2:0.#}\" y=\"{Y(P(0.75)):0.#}\" width=\"{w:0.#}\" height=\"{Math.Max(0.5, Y(P(0.25)) - Y(P(0.75))):0.#}\" fill=\"none\" stroke=\"{color}\"><title>items: 5/25/50/75/95% {P(0.05):G4} {P(0.25):G4} {P(0.5):G4} {P(0.75):G4} {P(0.95):G4}</title></rect>") +
            F($"<line x1=\"{bx - w / 2:0.#}\" x2=\"{bx + w / 2:0.#}\" y1=\"{Y(P(0.5)):0.#}\" y2=\"{Y(P(0.5)):0.#}\" stroke=\"{color}\"/>");
    }

    /// <summary>Rate-distortion curves (metric mean against measured kbps), one colour per category, the Opus
    /// baseline dashed; the legend names each curve.</summary>
    public static string Rate(string attributes, IReadOnlyList<RateCurve> curves, List<string> categories)
    {
        var sb = new StringBuilder($"<figure class=\"chart rd\"{attributes}>");
        var xs = curves.SelectMany(l => l.Points.Select(p => p.Kbps)).ToList();
        var ys = curves.SelectMany(l => l.Points.Select(p => p.Value)).ToList();
        double x0 = 0, x1 = xs.Max() * 1.05, y0 = ys.Min(), y1 = ys.Max();
        if (y1 - y0 < 1e-12) { y0 -= 1; y1 += 1; }
        const int top = 10, plotH = 200, left = 60, bottom = 36, right = 10;
        int plotW = Width - left - right;
        double X(double v) => left + (v - x0) / (x1 - x0) * plotW;
        double Y(double v) => top + (y1 - v) / (y1 - y0) * plotH;
        string Color(RateCurve c) => SummaryCharts.Color(Math.Max(0, categories.IndexOf(c.Category)));
        string Dash(RateCurve c) => c.Family == "opus" ? " stroke-dasharray=\"5 3\"" : "";
        sb.Append(F($"<svg viewBox=\"0 0 {Width} {top + plotH + bottom}\" role=\"img\">"));
        foreach (var t in Ticks(y0, y1)) sb.Append(F($"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{Y(t):0.#}\" y2=\"{Y(t):0.#}\" class=\"grid\"/><text x=\"{left - 4}\" y=\"{Y(t) + 4:0.#}\" text-anchor=\"end\">{t:G4}</text>"));
        foreach (var t in Ticks(x0, x1)) sb.Append(F($"<text x=\"{X(t):0.#}\" y=\"{top + plotH + 14}\" text-anchor=\"middle\">{t:G4}</text>"));
        sb.Append(F($"<text x=\"{left + plotW / 2}\" y=\"{top + plotH + 30}\" text-anchor=\"middle\">kbps (measured)</text>"));
        foreach (var c in curves)
        {
            string color = Color(c);
            sb.Append($"<polyline data-category=\"{E(c.Category)}\" data-family=\"{E(c.Family)}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\"{Dash(c)} points=\"{string.Join(" ", c.Points.Select(p => F($"{X(p.Kbps):0.#},{Y(p.Value):0.#}")))}\"/>");
            foreach (var p in c.Points) sb.Append(F($"<circle class=\"point\" cx=\"{X(p.Kbps):0.#}\" cy=\"{Y(p.Value):0.#}\" r=\"3\" fill=\"{color}\"><title>{E(c.Label)}: {p.Kbps:0.##} kbps, {p.Value:G6}</title></circle>"));
        }
        sb.Append("</svg>");
        sb.Append(Legend(curves.Select(c => c.Label).ToList(), i =>
            $"border-top:2px {(curves[i].Family == "opus" ? "dashed" : "solid")} {Color(curves[i])};height:0"));
        return sb.Append("</figure>").ToString();
    }

    private static IEnumerable<double> Ticks(double lo, double hi)
    {
        double raw = (hi - lo) / 5, mag = Math.Pow(10, Math.Floor(Math.Log10(raw))), step = new[] { 1, 2, 5, 10 }.Select(m => m * mag).First(s => s >= raw);
        for (double t = Math.Ceiling(lo / step) * step; t <= hi + step * 1e-9; t += step) yield return Math.Abs(t) < step * 1e-9 ? 0 : t;
    }

    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    public static string E(string s) => WebUtility.HtmlEncode(s);
}
