using System.Globalization;
using System.Text.RegularExpressions;
using LatentAudio.Metrics;
using LatentAudio.Reports;
using LatentAudio.Study;
using LatentAudio.Tests.Reliability;

namespace LatentAudio.Tests.Study;

/// <summary>
/// summary.html of 2 categories × 2 models × vocoder, codec and Opus outputs, loaded in headless Chromium: what a
/// person sees is a bar chart per metric and model (every category and output, whiskers, the items), the
/// attribution chart with its legend, a rate-distortion chart per model and the tables; no script errors.
/// </summary>
public class SummaryHtmlBrowserTests
{
    private static readonly string[] Models = ["org/model-a", "org/model-b"];
    private static readonly string[] Categories = ["music", "speech"];
    private static readonly string[] Outputs = ["codec_step_0.05", "codec_step_0.2", "opus_12kbps", "opus_6kbps", "oracle_vocoder", "vae_vocoder"];
    private static readonly string[] MetricKeys = ["lsd", "snr"];
    private const int ItemsPerCategory = 5;

    /// <summary>Deterministic rows: every item × model × output with both metrics, model b a little worse, and one
    /// failure row (a sixth speech item that failed for model a).</summary>
    internal static List<EvaluationRow> SyntheticRows()
    {
        var rows = new List<EvaluationRow>();
        for (int m = 0; m < Models.Length; m++)
        {
            var model = new ModelRef(Models[m], "main", new string((char)('a' + m), 64));
            foreach (var c in Categories)
                for (int i = 0; i < ItemsPerCategory; i++)
                    for (int o = 0; o < Outputs.Length; o++)
                    {
                        double kbps = Outputs[o] switch { "codec_step_0.05" => 9.5, "codec_step_0.2" => 4.2, "opus_12kbps" => 12.3, "opus_6kbps" => 6.2, _ => 0 };
                        rows.Add(new EvaluationRow
                        {
                            Id = $"{c}/{i}.wav", Category = c, Model = model, Output = Outputs[o], Settings = "s",
                            Metrics = new Dictionary<string, MetricOutcome>
                            {
                                ["snr"] = MetricOutcome.Of(10 - 2 * m + o * 0.5 + Math.Sin(i + 3 * o) + (c == "music" ? -3 : 0)),
                                ["lsd"] = MetricOutcome.Of(1 + 0.3 * m + 0.1 * o + 0.2 * Math.Cos(i * 7 + o)),
                            },
                            Kbps = kbps > 0 ? kbps + 0.1 * i : null,
                        });
                    }
        }
        rows.Add(new EvaluationRow
        {
            Id = "speech/broken.wav", Category = "speech", Model = new ModelRef(Models[0], "main", new string('a', 64)),
            Output = EvaluationRow.FailureOutput, Settings = "s", Failure = "not a WAV file",
        });
        return rows;
    }

    private static MatchCollection Figures(string dom, string kind) =>
        Regex.Matches(dom, $"<figure class=\"chart {kind}\"([^>]*)>(.*?)</figure>", RegexOptions.Singleline);

    private static string Attr(string tag, string name) => Regex.Match(tag, $"{name}=\"([^\"]*)\"").Groups[1].Value;

    private static double Num(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [ChromiumFact]
    public void TheSummaryRendersChartsPerModelTheAttributionWithItsLegendRdCurvesPerModelAndTheTables()
    {
        using var dir = new TestPaths.TempDir();
        var rows = SyntheticRows();
        var groups = EvaluationSummary.Build(rows);
        var path = dir.File("summary.html");
        File.WriteAllText(path, SummaryHtml.Build([new("models", string.Join(",", Models))], groups, rows));

        var page = HeadlessChromium.Load(path, dir.File("profile"));
        Assert.Empty(page.ConsoleErrors);
        var dom = page.Dom;
        string[] shown = ["all", .. Categories];

        // A bar chart per metric and model: a bar per category × output, each with its whiskers and its items.
        var bars = Figures(dom, "bars");
        Assert.Equal(MetricKeys.Length * Models.Length, bars.Count);
        foreach (var metric in MetricKeys)
            foreach (var model in Models)
            {
                var fig = Assert.Single(bars, f => Attr(f.Groups[1].Value, "data-metric") == metric && Attr(f.Groups[1].Value, "data-model") == model);
                var body = fig.Groups[2].Value;
                var legend = Regex.Matches(body, "<span data-series=\"([^\"]*)\"").Select(x => x.Groups[1].Value).ToList();
                Assert.Equal(Outputs, legend);
                var gs = Regex.Matches(body, "<g class=\"bar\"([^>]*)>(.*?)</g>", RegexOptions.Singleline);
                Assert.Equal(shown.Length * Outputs.Length, gs.Count);
                foreach (Match g in gs)
                {
                    string category = Attr(g.Groups[1].Value, "data-category"), output = Attr(g.Groups[1].Value, "data-series");
                    var stats = groups[category].Models[model].Outputs[output][metric];
                    Assert.Equal(stats.Mean!.Value, Num(Attr(g.Groups[1].Value, "data-mean")), 9);
                    var whiskers = Regex.Matches(g.Groups[2].Value, "<line [^>]*class=\"whisker\"[^>]*>");
                    Assert.Equal(3, whiskers.Count);
                    // The vertical whisker spans the interval: its low end is drawn lower (a larger y) than its high end.
                    Assert.True(Num(Attr(whiskers[0].Value, "y1")) > Num(Attr(whiskers[0].Value, "y2")), g.Value);
                    int items = category == "all" ? 2 * ItemsPerCategory : ItemsPerCategory;
                    Assert.Equal(items, Regex.Matches(g.Groups[2].Value, "<circle class=\"item\"").Count);
                }
            }

        // The attribution per metric: a bar per category × model, and a legend naming both models.
        var attribution = Figures(dom, "attribution");
        Assert.Equal(MetricKeys.Length, attribution.Count);
        foreach (Match fig in attribution)
        {
            var body = fig.Groups[2].Value;
            Assert.Equal(Models, Regex.Matches(body, "<span data-series=\"([^\"]*)\"").Select(x => x.Groups[1].Value));
            var gs = Regex.Matches(body, "<g class=\"bar\"([^>]*)>", RegexOptions.Singleline);
            Assert.Equal(shown.Length * Models.Length, gs.Count);
            string metric = Attr(fig.Groups[1].Value, "data-metric");
            foreach (Match g in gs)
                Assert.Equal(groups[Attr(g.Value, "data-category")].Models[Attr(g.Value, "data-series")].Attribution[metric].Mean!.Value,
                    Num(Attr(g.Value, "data-mean")), 9);
        }

        // Rate-distortion: one chart per metric and model, a curve per category × family (latent, opus) of two points.
        var rd = Figures(dom, "rd");
        Assert.Equal(MetricKeys.Length * Models.Length, rd.Count);
        foreach (Match fig in rd)
        {
            var body = fig.Groups[2].Value;
            var lines = Regex.Matches(body, "<polyline [^>]*>");
            Assert.Equal(shown.Length * 2, lines.Count);
            Assert.All(lines, l => Assert.Equal(2, Attr(l.Value, "points").Split(' ').Length));
            Assert.Equal(shown.Length * 2, Regex.Matches(body, "<span data-series=").Count);
        }
        Assert.Equal(Models, rd.Select(f => Attr(f.Groups[1].Value, "data-model")).Distinct());

        // The tables: one per category × model; the failure counted per reason.
        Assert.Equal(shown.Length * Models.Length, Regex.Matches(dom, "<table data-category=").Count);
        Assert.Contains("not a WAV file", dom);
    }
}
