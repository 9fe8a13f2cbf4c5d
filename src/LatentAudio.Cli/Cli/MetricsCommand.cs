using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Metrics;
using LatentAudio.Reports;

namespace LatentAudio.Cli;

/// <summary><c>latentaudio metrics REF DEG</c>: every quality metric of one pair; <c>--list</c> defines them.</summary>
public sealed class MetricsCommand : ICommand
{
    public string Name => "metrics";
    public string Summary => "quality metrics of a degraded file against its reference (SNR, SI-SDR, STOI, mel/LSD, MR-STFT, LUFS, ...)";
    public string Usage =>
        """
        latentaudio metrics REF DEG [--rate 16000] [--align] [--json] [--only KEY,KEY,...]
        latentaudio metrics --list [--json]

          REF, DEG   reference and degraded audio (WAV, FLAC, MP3, Ogg); channels are mixed to mono
                     except for loudness
          --rate R   common rate in Hz: a file at another rate is resampled to it (default 16000)
          --align    shift DEG by the best cross-correlation lag (within 50 ms) before scoring (default: no shift)
          --json     one JSON object: {"metrics": {key: number | {"value": null, "reason": ...}}, "notes": [...], ...}
          --only     comma-separated metric keys (see --list) (default: every metric)
          --list     every metric with its definition, parameters, unit, direction and reference
        Different lengths are trimmed to the shorter (after --align); the output says so.
          --allow-truncated  read a file shorter than its header declares as far as it goes, with a note
                             (default: refuse it, naming both lengths)
        Examples:
          latentaudio metrics ref.wav deg.wav
          latentaudio metrics ref.wav out/vae_vocoder.wav --only pesq_wb,stoi,visqol_audio --json
          latentaudio metrics ref.flac deg.mp3 --align --rate 48000
          latentaudio metrics --list
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        bool list = args.Flag("--list"), json = args.Flag("--json"), align = args.Flag("--align");
        int rate = args.Int("--rate") ?? 16000;
        var only = args.Options("--only").SelectMany(o => o.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (list)
        {
            args.Positionals(0, 0);
            PrintList(context.Out, json);
            return CliApp.ExitOk;
        }
        var truncation = TruncationOption.Read(args);
        var files = args.Positionals(2, 2);
        if (rate <= 0) throw new UsageException($"--rate must be a positive sample rate, got {rate}");
        var metrics = MetricRegistry.Select(only);
        var truncated = new List<string>();
        var reference = AudioFile.Read(files[0], options: truncation.For(truncated));
        var degraded = AudioFile.Read(files[1], options: truncation.For(truncated));
        TruncationOption.Warn(context, Name, truncated);
        var pair = MetricPair.Create(reference, degraded, new MetricOptions(rate, align));
        var report = MetricEvaluator.Evaluate(pair, metrics);
        if (json) context.Out.WriteLine(ToJson(report, files[0], files[1]).ToJsonString(JsonOptions));
        else PrintTable(context.Out, report, files[0], files[1]);
        return CliApp.ExitOk;
    }

    internal static JsonObject ToJson(MetricReport report, string reference, string degraded)
    {
        return new JsonObject
        {
            ["reference"] = reference,
            ["degraded"] = degraded,
            ["sample_rate"] = report.SampleRate,
            ["samples"] = report.Samples,
            ["metrics"] = OutcomeJson.Write(report.ToDictionary()),
            ["notes"] = new JsonArray(report.Notes.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
        };
    }

    private static void PrintTable(TextWriter w, MetricReport report, string reference, string degraded)
    {
        w.WriteLine($"reference {reference}");
        w.WriteLine($"degraded  {degraded}");
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{report.Samples} samples at {report.SampleRate} Hz ({(double)report.Samples / report.SampleRate:0.###} s)"));
        w.WriteLine();
        int kw = Math.Max(6, report.Outcomes.Max(v => v.Info.Key.Length));
        w.WriteLine($"{"metric".PadRight(kw)}  {"value",12}  {"unit",-20}  direction");
        foreach (var (info, outcome) in report.Outcomes)
        {
            // No value: the reason is among the notes below ("key: not computed (...)").
            string value = ReportTable.Format(outcome);
            w.WriteLine($"{info.Key.PadRight(kw)}  {value,12}  {info.Unit,-20}  {info.Direction}");
        }
        if (report.Notes.Count > 0)
        {
            w.WriteLine();
            foreach (var n in report.Notes) w.WriteLine($"note: {n}");
        }
    }

    private static void PrintList(TextWriter w, bool json)
    {
        if (json)
        {
            var arr = new JsonArray(MetricRegistry.All.Select(m => (JsonNode)new JsonObject
            {
                ["key"] = m.Info.Key, ["name"] = m.Info.Name, ["unit"] = m.Info.Unit,
                ["higher_is_better"] = m.Info.Better switch { MetricDirection.Higher => true, MetricDirection.Lower => false, _ => null },
                ["direction"] = m.Info.Direction,
                ["ideal"] = m.Info.Ideal is double i && double.IsFinite(i) ? i : m.Info.Ideal is double j ? j.ToString(CultureInfo.InvariantCulture) : null,
                ["definition"] = m.Info.Definition, ["parameters"] = m.Info.Parameters,
                ["reference"] = m.Info.Reference, ["rate"] = m.Info.Rate, ["level_dependent"] = m.Info.LevelDependent,
            }).ToArray());
            w.WriteLine(arr.ToJsonString(JsonOptions));
            return;
        }
        foreach (var m in MetricRegistry.All)
        {
            var i = m.Info;
            w.WriteLine($"{i.Key}  ({i.Name}; {(i.Unit.Length > 0 ? i.Unit : "unitless")}; {i.Direction})");
            w.WriteLine($"    definition: {i.Definition}");
            w.WriteLine($"    parameters: {i.Parameters}");
            w.WriteLine($"    rate:       {i.Rate}");
            w.WriteLine($"    reference:  {i.Reference}");
            if (i.LevelDependent) w.WriteLine("    level:      depends on absolute level (reconstruct and evaluate name the domain)");
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
