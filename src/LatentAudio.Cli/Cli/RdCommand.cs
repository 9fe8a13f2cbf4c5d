using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Opus;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Dsp;
using LatentAudio.IO;
using LatentAudio.Metrics;
using LatentAudio.Reports;

namespace LatentAudio.Cli;

/// <summary>Scores a degraded 16 kHz mono signal against its reference: metric name → value or the reason there is none.</summary>
public delegate IReadOnlyDictionary<string, MetricOutcome> RdMetrics(float[] reference, float[] degraded, int sampleRate);

/// <summary>
/// <c>latentaudio rd INPUT... --model M [-o DIR]</c>: rate–distortion sweep of the latent codec (several targets
/// from near-lossless to under 4 kbps, plus the unquantised ceiling) against Opus at 6-32 kbps on the same inputs.
/// Writes rd.csv, rd.json and rd.html (SVG plots, bitrate vs each metric, one line per codec).
/// </summary>
public sealed class RdCommand(ICodecModelProvider models, RdMetrics metrics) : ICommand
{
    public RdCommand() : this(CodecModels.Default, LibraryMetrics) { }

    public static readonly double[] DefaultTargetsKbps = [48, 24, 12, 8, 6, 4, 2];

    public string Name => "rd";
    public string Summary => "rate-distortion curves of the latent codec against Opus (rd.csv, rd.json, rd.html)";
    public string Usage => """
        latentaudio rd INPUT... --model M [-o DIR] [--kbps R,R,... | --steps D,D,...] [--force] [--resume]
          inputs are mixed to mono and resampled to 16 kHz; metrics compare the decoded audio with that signal
          --kbps    latent targets (default 48,24,12,8,6,4,2); --steps sweeps fixed quantiser steps instead
          --resume  skip inputs an interrupted run already scored (kept in DIR/.rd-partial/ until the end)
                    and write rd.csv/json/html even where an earlier run left them
          Opus (Concentus, hard CBR) runs at 6,8,12,16,24,32 kbps; "latent-ceiling" is the unquantised latent
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        var modelSpec = args.Option("--model") ?? throw new UsageException("--model is required");
        var outDir = args.Option("-o", "--output") ?? "rd";
        var kbpsList = ParseList(args.Option("--kbps"), "--kbps");
        var steps = ParseList(args.Option("--steps"), "--steps");
        if (kbpsList is not null && steps is not null) throw new UsageException("give --kbps or --steps, not both");
        bool force = args.Flag("--force"), resume = args.Flag("--resume");
        var inputs = CodecPaths.Jobs(args.Positionals(min: 1), outDir, "").Select(j => j.Input).ToList();
        var settings = steps is not null
            ? steps.Select(QuantiserSettings.FixedStep).ToList()
            : (kbpsList ?? DefaultTargetsKbps).Select(QuantiserSettings.TargetKbps).ToList();
        foreach (var s in settings) s.Validate();

        using var model = models.Load(modelSpec, null);
        var vocode = model.Vocoder ?? throw new LatentAudioException($"model {model.Identity} has no vocoder loaded");
        var codec = new LatentCodec(model.Vae, model.Identity, model.FrontEnd);
        var rows = new List<Dictionary<string, object>>();
        var partial = new RdPartialRows(outDir, $"{model.Identity}|{string.Join(";", settings.Select(s => $"{s.Mode} {s.Value.ToString("R", CultureInfo.InvariantCulture)}"))}");
        foreach (var input in inputs)
        {
            if (resume && partial.TryLoad(input) is { } scored)
            {
                rows.AddRange(scored);
                context.Error.WriteLine($"{input}: scored already, skipped (--resume)");
                continue;
            }
            int firstRow = rows.Count;
            var original = AudioFile.Read(input);
            original.EnsureFinite(input);
            var mono = original.ToMono(ChannelMode.Mix);
            var reference = mono.SampleRate == OpusBaseline.SampleRate ? mono.Channel(0) : Resampler.Resample(mono.Channel(0), mono.SampleRate, OpusBaseline.SampleRate);
            var ref16 = AudioBuffer.Mono(reference, OpusBaseline.SampleRate);
            double seconds = ref16.DurationSeconds;

            var ceiling = codec.MelsToAudio(codec.UnquantisedMels(ref16, ChannelMode.Mix, input), vocode).Channel(0);
            rows.Add(Row(input, "latent-ceiling", "float32", 3200 * 32 / 1000.0, null, null, metrics(reference, ceiling, OpusBaseline.SampleRate)));
            foreach (var s in settings)
            {
                using var ms = new MemoryStream();
                var report = codec.Encode(ref16, ms, new LatentCodecOptions(s, ChannelMode.Mix), input);
                ms.Position = 0;
                var decoded = codec.DecodeAudio(ms, input, vocode).Channel(0);
                string label = s.Mode == StepMode.TargetBitrate ? $"target {s.Value:0.###} kbps" : $"step {s.Value:0.#####}";
                rows.Add(Row(input, "latent", label, report.ActualKbps, report.EntropyKbps, report.ZstdKbps, metrics(reference, decoded, OpusBaseline.SampleRate)));
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{input}: latent {label}: {report.ActualKbps:0.###} kbps actual"));
            }
            foreach (var kbps in OpusBaseline.StandardKbps)
            {
                var enc = OpusBaseline.Encode(reference, kbps);
                var (decoded, concealed) = OpusBaseline.DecodeConcealing(enc.File, input);
                if (concealed > 0)
                    context.Error.WriteLine($"{input}: opus {kbps} kbps: {concealed} packet(s) the managed decoder rejects were concealed (Concentus bug)");
                rows.Add(Row(input, "opus", $"{kbps} kbps CBR", enc.MeasuredKbps, null, null, metrics(reference, decoded, OpusBaseline.SampleRate)));
            }
            partial.Save(input, rows.Skip(firstRow));
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{input}: {seconds:0.##} s done"));
        }
        force |= resume; // the three files are recomputed from every input's rows
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, "rd.csv"), RdReport.Csv(rows), force);
        AtomicFile.WriteAllText(Path.Combine(outDir, "rd.json"), new JsonObject
        {
            ["model"] = model.Identity.ToString(),
            ["note"] = "actual_kbps counts every file byte; latent points code a 16 kHz mono mix; opus is raw packets with 1-byte length prefixes",
            ["points"] = new JsonArray(rows.Select(r => (JsonNode?)RdReport.Json(r)).ToArray()),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), force);
        AtomicFile.WriteAllText(Path.Combine(outDir, "rd.html"), RdReport.Html(rows, model.Identity.ToString()), force);
        partial.Clear();
        context.Out.WriteLine($"wrote {Path.Combine(outDir, "rd.csv")}, rd.json, rd.html");
        return CliApp.ExitOk;
    }

    private static Dictionary<string, object> Row(string input, string codec, string setting, double kbps, double? entropy, double? zstd, IReadOnlyDictionary<string, MetricOutcome> m)
    {
        var row = new Dictionary<string, object> { ["input"] = input, ["codec"] = codec, ["setting"] = setting, ["actual_kbps"] = kbps };
        if (entropy is { } e) row["entropy_kbps"] = e;
        if (zstd is { } z) row["zstd_kbps"] = z;
        foreach (var (k, v) in m) row[k] = v;
        return row;
    }

    private static double[]? ParseList(string? text, string name)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !(values[i] > 0))
                throw new UsageException($"{name} expects positive numbers separated by commas, got '{text}'");
        if (values.Length == 0) throw new UsageException($"{name} is empty");
        return values;
    }

    /// <summary>The metrics of each RD point, from the metrics library (definitions: latentaudio metrics --list).</summary>
    public static readonly string[] RdMetricKeys = ["mel_distance", "lsd", "stoi", "estoi", "si_sdr", "pesq_wb"];

    public static IReadOnlyDictionary<string, MetricOutcome> LibraryMetrics(float[] reference, float[] degraded, int sampleRate) =>
        Reconstruction.ReconstructionMetrics.Create(RdMetricKeys)(reference, degraded, sampleRate);

    /// <summary>Cheap waveform-only metrics (SNR, SI-SDR) for fast tests of the sweep itself.</summary>
    public static IReadOnlyDictionary<string, MetricOutcome> WaveformMetrics(float[] reference, float[] degraded, int sampleRate) =>
        Reconstruction.ReconstructionMetrics.Create(["snr", "si_sdr"])(reference, degraded, sampleRate);
}

/// <summary>CSV and a self-contained HTML page (inline SVG plots) for rd results.</summary>
internal static class RdReport
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
