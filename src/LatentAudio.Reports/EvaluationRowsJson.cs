using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LatentAudio.Metrics;
using LatentAudio.Metrics.Distribution;
using LatentAudio.Study;

namespace LatentAudio.Reports;

/// <summary>
/// The rows of an evaluation as JSON Lines: one object per item × model × output, metrics in the one outcome
/// encoding (<see cref="OutcomeJson"/>). A row is appended whole, newline included, and flushed to the disk before the
/// next; a reader takes every complete line and ignores a torn last one (a line without its newline, what a kill
/// mid-write leaves).
/// </summary>
public static class EvaluationRowsJson
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Line(EvaluationRow row)
    {
        var node = new JsonObject
        {
            ["id"] = row.Id,
            ["category"] = row.Category,
            ["model"] = new JsonObject { ["id"] = row.Model.Id, ["revision"] = row.Model.Revision, ["sha256"] = row.Model.Sha256 },
            ["output"] = row.Output,
            ["settings"] = row.Settings,
        };
        if (row.Failure is not null) node["failure"] = row.Failure;
        else node["metrics"] = OutcomeJson.Write(row.Metrics);
        if (row.Kbps is double k) node["kbps"] = k;
        if (row.StageSeconds.Count > 0)
        {
            var s = new JsonObject();
            foreach (var (stage, sec) in row.StageSeconds) s[stage] = sec;
            node["seconds"] = s;
        }
        if (row.Embedding is { } e) node["embedding"] = EmbeddingJson.Write(e);
        return node.ToJsonString(Compact);
    }

    public static EvaluationRow Parse(string line)
    {
        var o = JsonNode.Parse(line)?.AsObject() ?? throw new FormatException("not a JSON object");
        var model = o["model"]!.AsObject();
        var metrics = new Dictionary<string, MetricOutcome>();
        if (o["metrics"] is JsonObject m)
            foreach (var (k, v) in m) metrics[k] = OutcomeJson.Read(v);
        var seconds = new List<KeyValuePair<string, double>>();
        if (o["seconds"] is JsonObject s)
            foreach (var (k, v) in s) seconds.Add(new(k, v!.GetValue<double>()));
        return new EvaluationRow
        {
            Id = (string)o["id"]!, Category = (string)o["category"]!,
            Model = new ModelRef((string)model["id"]!, (string?)model["revision"] ?? "", (string?)model["sha256"] ?? ""),
            Output = (string)o["output"]!, Settings = (string)o["settings"]!,
            Failure = (string?)o["failure"], Metrics = metrics, Kbps = (double?)o["kbps"], StageSeconds = seconds,
            Embedding = o["embedding"] is JsonObject e ? EmbeddingJson.Read(e) : null,
        };
    }

    /// <summary>The complete rows of a rows file and the byte length they span (a torn last line is past it).</summary>
    public static (List<EvaluationRow> Rows, long CompleteBytes, bool Torn) ReadFile(string path)
    {
        var rows = new List<EvaluationRow>();
        if (!File.Exists(path)) return (rows, 0, false);
        var bytes = File.ReadAllBytes(path);
        int end = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        int start = 0, lineNo = 0;
        while (start < end)
        {
            int nl = Array.IndexOf(bytes, (byte)'\n', start);
            lineNo++;
            var text = Encoding.UTF8.GetString(bytes, start, nl - start).Trim();
            if (text.Length > 0)
            {
                try { rows.Add(Parse(text)); }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NullReferenceException)
                {
                    throw InvalidInputException.ForFile($"{path}:{lineNo}", $"not a row: {e.Message}");
                }
            }
            start = nl + 1;
        }
        return (rows, end, end < bytes.Length);
    }
}

/// <summary>
/// A row's embeddings: <c>{"network", "weights_sha256", "dimension", "reference": {"count", "f32le"}, "output": {...}}</c>,
/// each side's vectors as base64 of their float32 values little-endian, row-major (count × dimension).
/// </summary>
public static class EmbeddingJson
{
    public static JsonObject Write(ItemEmbedding e) => new()
    {
        ["network"] = e.Network,
        ["weights_sha256"] = e.WeightsSha256,
        ["dimension"] = e.Reference.Dimension,
        ["reference"] = Side(e.Reference),
        ["output"] = Side(e.Output),
    };

    private static JsonObject Side(EmbeddingVectors v) => new() { ["count"] = v.Count, ["f32le"] = v.ToBase64() };

    public static ItemEmbedding Read(JsonObject o)
    {
        int dimension = (int)o["dimension"]!;
        if (dimension < 1) throw new FormatException($"embedding dimension {dimension}");
        EmbeddingVectors Side(string name)
        {
            var side = o[name]!.AsObject();
            int count = (int)side["count"]!;
            if (count < 0) throw new FormatException($"embedding count {count}");
            return EmbeddingVectors.FromBase64((string)side["f32le"]!, dimension, count);
        }
        return new ItemEmbedding((string)o["network"]!, (string)o["weights_sha256"]!, Side("reference"), Side("output"));
    }
}

/// <summary>Appends rows to a rows file, each whole line written and flushed to the disk before the next.</summary>
public sealed class EvaluationRowsWriter : IDisposable
{
    private readonly FileStream _stream;

    /// <summary>Opens <paramref name="path"/> for appending after its first <paramref name="keepBytes"/> bytes (a torn
    /// tail beyond them is cut off, so the next row starts on a line of its own).</summary>
    public EvaluationRowsWriter(string path, long keepBytes)
    {
        _stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        _stream.SetLength(keepBytes);
        _stream.Position = keepBytes;
    }

    public void Append(EvaluationRow row)
    {
        var bytes = Encoding.UTF8.GetBytes(EvaluationRowsJson.Line(row) + "\n");
        _stream.Write(bytes);
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();
}
