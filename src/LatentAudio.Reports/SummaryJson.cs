using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LatentAudio.Study;

namespace LatentAudio.Reports;

/// <summary>How one process (a shard, or the whole unsharded run) went: for the <c>runs</c> section only.</summary>
public sealed record EvaluationRun(int ShardIndex, int ShardCount, string Host, DateTimeOffset Started, DateTimeOffset Finished,
    int Items, int Evaluated, int Resumed, int Failed, string Version);

/// <summary>
/// summary.json: <c>settings</c> (every named setting), <c>groups</c> (per category, model, output and metric: the
/// statistics, failures per reason, the stage attribution, rate-distortion points) and <c>runs</c> (hosts and times).
/// <c>groups</c> depends on the rows alone: keys sorted ordinally, numbers in their shortest round-trip form, no
/// culture, no times, so a sharded run merged in any order writes the same bytes as an unsharded one.
/// </summary>
public static class SummaryJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonObject Groups(SortedDictionary<string, CategoryGroup> groups)
    {
        var node = new JsonObject();
        foreach (var (name, c) in groups)
        {
            var reasons = new JsonObject();
            foreach (var (r, n) in c.FailureReasons) reasons[r] = n;
            var models = new JsonObject();
            foreach (var (id, m) in c.Models)
            {
                var outputs = new JsonObject();
                foreach (var (o, metrics) in m.Outputs) outputs[o] = Metrics(metrics);
                var rd = new JsonArray();
                foreach (var p in m.RateDistortion) rd.Add(new JsonObject { ["output"] = p.Output, ["family"] = p.Family, ["kbps"] = p.Kbps });
                var model = new JsonObject
                {
                    ["revision"] = m.Model.Revision, ["sha256"] = m.Model.Sha256, ["failures"] = m.Failures,
                    ["outputs"] = outputs, ["attribution"] = Metrics(m.Attribution), ["rate_distortion"] = rd,
                };
                if (m.Fad is { } fad)
                {
                    var f = new JsonObject();
                    foreach (var (o, of) in fad) f[o] = Fad(of);
                    model["fad"] = f;
                }
                models[id] = model;
            }
            node[name] = new JsonObject { ["items"] = c.Items, ["failures"] = c.Failures, ["failure_reasons"] = reasons, ["models"] = models };
        }
        return node;
    }

    /// <summary>One output's Fréchet distance: fd (null below two vectors a side), n per side, FAD∞ when n allows.</summary>
    private static JsonObject Fad(OutputFad f) => new()
    {
        ["embedding"] = f.Network,
        ["weights_sha256"] = f.WeightsSha256,
        ["items"] = f.Items,
        ["n_ref"] = f.ReferenceCount,
        ["n_deg"] = f.DegradedCount,
        ["fd"] = f.Result?.Distance,
        ["fad_inf"] = f.Result?.Infinity is { } inf
            ? new JsonObject { ["score"] = inf.Score, ["slope"] = inf.Slope, ["r2"] = inf.RSquared, ["points"] = inf.Points.Count }
            : null,
    };

    private static JsonObject Metrics(SortedDictionary<string, MetricStats> metrics)
    {
        var node = new JsonObject();
        foreach (var (k, s) in metrics)
            node[k] = new JsonObject
            {
                ["n"] = s.N, ["no_value"] = s.NoValue, ["failures"] = s.Failures,
                ["mean"] = s.Mean, ["sd"] = s.Sd, ["median"] = s.Median,
                ["ci95"] = s.CiLow is null ? null : new JsonArray(s.CiLow, s.CiHigh),
                ["ci95_method"] = s.CiMethod,
            };
        return node;
    }

    public static string Build(IReadOnlyList<KeyValuePair<string, string>> settings, SortedDictionary<string, CategoryGroup> groups, IEnumerable<EvaluationRun> runs)
    {
        var s = new JsonObject();
        foreach (var (k, v) in settings) s[k] = v;
        var r = new JsonArray();
        foreach (var run in runs.OrderBy(x => x.ShardIndex))
            r.Add(new JsonObject
            {
                ["shard"] = run.ShardIndex, ["shards"] = run.ShardCount, ["host"] = run.Host,
                ["started"] = run.Started.ToString("o", CultureInfo.InvariantCulture), ["finished"] = run.Finished.ToString("o", CultureInfo.InvariantCulture),
                ["seconds"] = Math.Round((run.Finished - run.Started).TotalSeconds, 3),
                ["items"] = run.Items, ["evaluated"] = run.Evaluated, ["resumed"] = run.Resumed, ["failed"] = run.Failed, ["version"] = run.Version,
            });
        var root = new JsonObject { ["settings"] = s, ["groups"] = Groups(groups), ["runs"] = r };
        return root.ToJsonString(Indented) + "\n";
    }

    /// <summary>The <c>groups</c> section alone, as summary.json writes it (what equal runs share byte for byte).</summary>
    public static string GroupsText(SortedDictionary<string, CategoryGroup> groups) => Groups(groups).ToJsonString(Indented);

    public static string Number(double? v) => v is double d ? d.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>summary.csv: one line per category × model × output × metric (the attribution as output
    /// <c>attribution</c>), invariant culture, round-trip numbers.</summary>
    public static string Csv(SortedDictionary<string, CategoryGroup> groups)
    {
        var sb = new StringBuilder("category,model,output,metric,n,no_value,failures,mean,sd,median,ci95_low,ci95_high\n");
        foreach (var (cat, c) in groups)
            foreach (var (model, m) in c.Models)
            {
                var all = m.Outputs.Select(o => (o.Key, o.Value)).Append(("attribution", m.Attribution));
                foreach (var (output, metrics) in all)
                    foreach (var (k, s) in metrics)
                        sb.Append(string.Join(",", Csv(cat), Csv(model), Csv(output), Csv(k), s.N.ToString(CultureInfo.InvariantCulture),
                            s.NoValue.ToString(CultureInfo.InvariantCulture), s.Failures.ToString(CultureInfo.InvariantCulture),
                            Number(s.Mean), Number(s.Sd), Number(s.Median), Number(s.CiLow), Number(s.CiHigh))).Append('\n');
                foreach (var (output, f) in m.Fad ?? [])
                    foreach (var (k, v) in FadCsvValues(f))
                        sb.Append(string.Join(",", Csv(cat), Csv(model), Csv(output), Csv(k), f.DegradedCount.ToString(CultureInfo.InvariantCulture),
                            "", m.Failures.ToString(CultureInfo.InvariantCulture), Number(v), "", "", "", "")).Append('\n');
            }
        return sb.ToString();
    }

    /// <summary>The Fréchet distance's lines of summary.csv: metric <c>fd_NETWORK</c> (and <c>fad_inf_NETWORK</c> when
    /// the output has enough vectors), n = the output's vectors, the value as the mean; n_ref is in summary.json.</summary>
    private static IEnumerable<(string Metric, double? Value)> FadCsvValues(OutputFad f)
    {
        yield return ("fd_" + f.Network, f.Result?.Distance);
        if (f.Result?.Infinity is { } inf) yield return ("fad_inf_" + f.Network, inf.Score);
    }

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";

    /// <summary>summary.md: per category and model, every metric's mean [95% interval] (n) per output, the attribution
    /// column, rate-distortion points and failures per reason.</summary>
    public static string Markdown(SortedDictionary<string, CategoryGroup> groups)
    {
        var sb = new StringBuilder("# Evaluation summary\n\n");
        sb.Append("Each cell: mean [95% bootstrap interval] (n). The attribution column is `vae_vocoder - oracle_vocoder`, paired per item: what the VAE adds.\n");
        foreach (var (cat, c) in groups)
        {
            sb.Append($"\n## {cat}\n\n{c.Items} item(s), {c.Failures} failure(s)\n");
            foreach (var (r, n) in c.FailureReasons) sb.Append($"- {n} × {r}\n");
            foreach (var (model, m) in c.Models)
            {
                sb.Append($"\n### {model}\n\n");
                var outputs = m.Outputs.Keys.ToList();
                var metrics = m.Outputs.Values.SelectMany(o => o.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
                sb.Append("| metric | ").Append(string.Join(" | ", outputs)).Append(" | attribution |\n");
                sb.Append("| --- |").Append(string.Concat(outputs.Select(_ => " --- |"))).Append(" --- |\n");
                foreach (var k in metrics)
                {
                    sb.Append("| ").Append(k).Append(" | ");
                    sb.Append(string.Join(" | ", outputs.Select(o => Cell(m.Outputs[o].GetValueOrDefault(k)))));
                    sb.Append(" | ").Append(Cell(m.Attribution.GetValueOrDefault(k))).Append(" |\n");
                }
                if (m.Fad is { } fad) sb.Append('\n').Append(FadTable(fad));
                if (m.RateDistortion.Count > 0)
                {
                    sb.Append("\n| output | family | kbps |\n| --- | --- | --- |\n");
                    foreach (var p in m.RateDistortion) sb.Append(string.Create(CultureInfo.InvariantCulture, $"| {p.Output} | {p.Family} | {p.Kbps:0.###} |\n"));
                }
            }
        }
        return sb.ToString();
    }

    /// <summary>The Markdown table of a model's Fréchet distances per output, with n per side and the network.</summary>
    public static string FadTable(SortedDictionary<string, OutputFad> fad)
    {
        var sb = new StringBuilder("| output | FD | n_ref | n_deg | FAD∞ | embedding | weights sha256 |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var (o, f) in fad)
            foreach (var cell in FadCells(o, f)) sb.Append("| ").Append(string.Join(" | ", cell)).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>One output's cells of the Fréchet distance table (summary.md and summary.html).</summary>
    public static IEnumerable<string[]> FadCells(string output, OutputFad f)
    {
        string fd = f.Result is { } r ? r.Distance.ToString("0.######", CultureInfo.InvariantCulture) : "n/a (fewer than 2 vectors)";
        string inf = f.Result?.Infinity is { } i ? i.Score.ToString("0.######", CultureInfo.InvariantCulture)
            : $"n/a (needs > {LatentAudio.Metrics.Distribution.FadInfinity.DefaultMinN} vectors)";
        yield return [output, fd, f.ReferenceCount.ToString(CultureInfo.InvariantCulture), f.DegradedCount.ToString(CultureInfo.InvariantCulture),
            inf, f.Network, f.WeightsSha256.Length > 12 ? f.WeightsSha256[..12] + "…" : f.WeightsSha256];
    }

    public static string Cell(MetricStats? s) => s is null ? "" : s.Mean is not double mean ? $"n/a ({s.NoValue} without value)"
        : string.Create(CultureInfo.InvariantCulture, $"{mean:0.####} [{s.CiLow:0.####}, {s.CiHigh:0.####}] ({s.N})");
}
