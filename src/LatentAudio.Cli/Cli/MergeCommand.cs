using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LatentAudio.Reports;
using LatentAudio.Study;

namespace LatentAudio.Cli;

/// <summary><c>latentaudio merge OUT</c>: checks every shard of an evaluation finished with the same settings and writes the summary.</summary>
public sealed class MergeCommand : ICommand
{
    public string Name => "merge";
    public string Summary => "check every shard of an evaluate run is complete and alike; write OUT/summary.*";
    public string Usage => """
        latentaudio merge OUT
          OUT   the -o folder of 'latentaudio evaluate' (its rows/shard-I-of-N files)
        Writes OUT/summary.json, summary.csv, summary.md and summary.html. Refuses, naming them, when shards are
        missing or unfinished, or were run with different settings, or a shard's rows file is missing or short.
        Exit code 2 when any item failed, after the summary is written and 'summary: PATH' printed (a script
        running merge tells that apart from a refusal by that line); 0 when none failed.

        Examples:
          latentaudio merge study
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        var outDir = args.Positionals(min: 1, max: 1)[0];
        var summary = StudyLayout.WriteSummary(new StudyLayout(outDir), context);
        context.Out.WriteLine($"summary: {summary.Path}");
        // As an unsharded evaluate does: failed items make the exit code 2 once everything is written.
        return summary.Failures > 0 ? CliApp.ExitBadInput : CliApp.ExitOk;
    }
}

/// <summary>A written summary: summary.json's path and how many item × model failures it counts.</summary>
public sealed record WrittenSummary(string Path, int Failures);

/// <summary>The files of an evaluation under OUT, and the summary written from them.</summary>
public sealed class StudyLayout(string root)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly Regex ShardName = new(@"^shard-(\d+)-of-(\d+)\.(jsonl|settings\.json|done\.json)$", RegexOptions.CultureInvariant);

    public string Root => root;
    public string Rows => Path.Combine(root, "rows");
    public string Audio => Path.Combine(root, "audio");
    public string RowsFile(int i, int n) => Path.Combine(Rows, $"shard-{i}-of-{n}.jsonl");
    public string SettingsFile(int i, int n) => Path.Combine(Rows, $"shard-{i}-of-{n}.settings.json");
    public string DoneFile(int i, int n) => Path.Combine(Rows, $"shard-{i}-of-{n}.done.json");

    /// <summary>A file-name-safe form of an id or model (path separators and odd characters become '_').</summary>
    public static string Slug(string s)
    {
        var chars = s.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' ? c : '_').ToArray();
        return new string(chars).Trim('.', '_') is { Length: > 0 } t ? t : "_";
    }

    public static string SettingsJson(IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var o = new JsonObject();
        foreach (var (k, v) in settings) o[k] = v;
        return o.ToJsonString(Indented) + "\n";
    }

    public static IReadOnlyList<KeyValuePair<string, string>> ReadSettings(string path)
    {
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        if (node["settings"] is JsonObject inner) node = inner;
        return node.Select(kv => new KeyValuePair<string, string>(kv.Key, (string?)kv.Value ?? "")).ToList();
    }

    public static string DoneJson(IReadOnlyList<KeyValuePair<string, string>> settings, EvaluationRun run)
    {
        var s = new JsonObject();
        foreach (var (k, v) in settings) s[k] = v;
        var o = new JsonObject
        {
            ["settings"] = s,
            ["run"] = new JsonObject
            {
                ["shard"] = run.ShardIndex, ["shards"] = run.ShardCount, ["host"] = run.Host,
                ["started"] = run.Started.ToString("o", CultureInfo.InvariantCulture), ["finished"] = run.Finished.ToString("o", CultureInfo.InvariantCulture),
                ["items"] = run.Items, ["evaluated"] = run.Evaluated, ["resumed"] = run.Resumed, ["failed"] = run.Failed, ["version"] = run.Version,
            },
        };
        return o.ToJsonString(Indented) + "\n";
    }

    private static EvaluationRun ReadRun(string path)
    {
        var r = JsonNode.Parse(File.ReadAllText(path))!["run"]!;
        return new EvaluationRun((int)r["shard"]!, (int)r["shards"]!, (string)r["host"]!,
            DateTimeOffset.Parse((string)r["started"]!, CultureInfo.InvariantCulture), DateTimeOffset.Parse((string)r["finished"]!, CultureInfo.InvariantCulture),
            (int)r["items"]!, (int)r["evaluated"]!, (int)r["resumed"]!, (int)r["failed"]!, (string)r["version"]!);
    }

    /// <summary>Checks the shards (all present and finished, one shard count, one set of settings), summarises their
    /// rows and writes summary.json, .csv, .md and .html.</summary>
    public static WrittenSummary WriteSummary(StudyLayout layout, CliContext context)
    {
        if (!Directory.Exists(layout.Rows)) throw InvalidInputException.ForFile(layout.Root, "holds no rows/ folder (not an evaluate output)");
        var names = Directory.GetFiles(layout.Rows).Select(Path.GetFileName).Select(n => ShardName.Match(n!)).Where(m => m.Success).ToList();
        var counts = names.Select(m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        if (counts.Count == 0) throw InvalidInputException.ForFile(layout.Rows, "holds no shard files");
        if (counts.Count > 1)
            throw InvalidInputException.ForFile(layout.Rows, $"holds shards of runs with different shard counts ({string.Join(", ", counts)}); keep one run per folder");
        int n = counts[0];
        var missing = Enumerable.Range(0, n).Where(i => !File.Exists(layout.DoneFile(i, n))).ToList();
        if (missing.Count > 0)
            throw InvalidInputException.ForFile(layout.Rows,
                $"{missing.Count} of {n} shard(s) missing or unfinished: {string.Join(", ", missing)} (no shard-I-of-{n}.done.json); run them (with --resume) and merge again");
        var settings = Enumerable.Range(0, n).Select(i => StudyLayout.ReadSettings(layout.DoneFile(i, n))).ToList();
        for (int i = 1; i < n; i++)
            if (EvaluationSettings.FirstDifference(settings[0], settings[i]) is { } diff)
                throw InvalidInputException.ForFile(layout.Rows, $"shard {i} used other settings than shard 0: {diff}");
        var runs = Enumerable.Range(0, n).Select(i => ReadRun(layout.DoneFile(i, n))).ToList();
        var rows = new List<EvaluationRow>();
        for (int i = 0; i < n; i++)
        {
            var path = layout.RowsFile(i, n);
            if (!File.Exists(path)) throw InvalidInputException.ForFile(path, $"is missing, though shard {i} is marked done; run shard {i} again (--force) and merge again");
            var (r, _, _) = EvaluationRowsJson.ReadFile(path);
            // Every item of a shard has at least one row per model (its outputs or a failure row).
            int items = r.Select(row => row.Id).Distinct(StringComparer.Ordinal).Count();
            if (items < runs[i].Items)
                throw InvalidInputException.ForFile(path, $"{(r.Count == 0 ? "is empty" : $"holds rows of {items} item(s)")}, but shard {i} ran {runs[i].Items}; run shard {i} again (--resume) and merge again");
            var stray = r.FirstOrDefault(row => ShardHash.Shard(row.Id, n) != i);
            if (stray is not null) throw InvalidInputException.ForFile(layout.RowsFile(i, n), $"holds item {stray.Id}, which belongs to shard {ShardHash.Shard(stray.Id, n)}");
            rows.AddRange(r);
        }
        if (rows.Select(r => r.Settings).Distinct().Count() > 1) throw InvalidInputException.ForFile(layout.Rows, "rows were made with different settings");
        var groups = EvaluationSummary.Build(rows);
        string json = Path.Combine(layout.Root, "summary.json");
        IO.AtomicFile.WriteAllText(Path.Combine(layout.Root, "summary.csv"), SummaryJson.Csv(groups), overwrite: true);
        IO.AtomicFile.WriteAllText(Path.Combine(layout.Root, "summary.md"), SummaryJson.Markdown(groups), overwrite: true);
        IO.AtomicFile.WriteAllText(Path.Combine(layout.Root, "summary.html"), SummaryHtml.Build(settings[0], groups, rows), overwrite: true);
        IO.AtomicFile.WriteAllText(json, SummaryJson.Build(settings[0], groups, runs), overwrite: true);
        int failures = groups.TryGetValue(EvaluationSummary.All, out var all) ? all.Failures : 0;
        if (failures > 0) context.Error.WriteLine($"{failures} item x model failure(s); see failure_reasons in {json}");
        return new WrittenSummary(json, failures);
    }
}
