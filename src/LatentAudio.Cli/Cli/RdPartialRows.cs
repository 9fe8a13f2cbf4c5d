using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LatentAudio.IO;
using LatentAudio.Metrics;
using LatentAudio.Reports;

namespace LatentAudio.Cli;

/// <summary>
/// The rows of each finished input of an <c>rd</c> sweep, kept under DIR/.rd-partial/ (one file per input, written
/// atomically) so that <c>rd --resume</c> after an interruption skips the inputs already scored. A file is trusted
/// only when its key (model identity, sweep settings, input path) equals the current run's; the folder is removed
/// once rd.csv, rd.json and rd.html are written. Values round-trip exactly (shortest round-trip doubles); metric
/// outcomes in metrics.json's encoding (<see cref="OutcomeJson"/>), so a reason survives the resume.
/// </summary>
internal sealed class RdPartialRows(string outDir, string runKey)
{
    private static readonly HashSet<string> TextColumns = ["input", "codec", "setting"];
    private static readonly HashSet<string> NumberColumns = ["actual_kbps", "entropy_kbps", "zstd_kbps"]; // the rest are metrics

    private string Folder => Path.Combine(outDir, ".rd-partial");

    private string FileFor(string input) => Path.Combine(Folder, Path.GetFileNameWithoutExtension(input) + ".json");

    public void Save(string input, IEnumerable<Dictionary<string, object>> rows)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("key", Key(input));
            w.WriteStartArray("rows");
            foreach (var row in rows)
            {
                w.WriteStartObject();
                foreach (var (k, v) in row)
                {
                    if (v is MetricOutcome o) { w.WritePropertyName(k); OutcomeJson.Write(o).WriteTo(w); }
                    else if (v is double d && double.IsFinite(d)) w.WriteNumber(k, d);
                    else if (v is double nf) w.WriteString(k, nf.ToString(CultureInfo.InvariantCulture));
                    else w.WriteString(k, Convert.ToString(v, CultureInfo.InvariantCulture));
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        Directory.CreateDirectory(Folder);
        AtomicFile.WriteAllBytes(FileFor(input), ms.ToArray(), overwrite: true);
    }

    /// <summary>The rows saved for <paramref name="input"/> by a run with the same key; null when there are none.</summary>
    public List<Dictionary<string, object>>? TryLoad(string input)
    {
        var file = FileFor(input);
        if (!File.Exists(file)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            if (doc.RootElement.GetProperty("key").GetString() != Key(input)) return null;
            var rows = new List<Dictionary<string, object>>();
            foreach (var r in doc.RootElement.GetProperty("rows").EnumerateArray())
            {
                var row = new Dictionary<string, object>();
                foreach (var p in r.EnumerateObject())
                    row[p.Name] = TextColumns.Contains(p.Name) ? p.Value.GetString()!
                        : !NumberColumns.Contains(p.Name) ? OutcomeJson.Read(JsonNode.Parse(p.Value.GetRawText()))
                        : p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble()
                        : double.Parse(p.Value.GetString()!, CultureInfo.InvariantCulture);
                rows.Add(row);
            }
            return rows;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
        {
            return null; // not ours or damaged: score the input again
        }
    }

    public void Clear()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }

    private string Key(string input) => $"{runKey}|{Path.GetFullPath(input)}";
}
