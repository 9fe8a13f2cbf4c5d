using System.Text.Json.Nodes;
using LatentAudio.Metrics;

namespace LatentAudio.Reports;

/// <summary>
/// The one JSON encoding of a <see cref="MetricOutcome"/>, shared by metrics.json and <c>latentaudio metrics --json</c>
/// (README, Metrics). A value that rests on everything it was asked about is a plain number. Anything else is an
/// object: <c>{"value": number|null, "reason": "...", "infinite": "+inf"|"-inf", "partial": true,
/// "coverage": {"parts", "parts_with_value", "seconds", "seconds_with_value"}}</c>, members present only when they
/// apply. JSON has no NaN or infinity, and a bare null would not say why, so neither is ever written for a metric.
/// </summary>
public static class OutcomeJson
{
    public static JsonNode Write(MetricOutcome o)
    {
        if (o.Value is double v && !o.Partial) return JsonValue.Create(v);
        var node = new JsonObject { ["value"] = o.Value };
        if (o.Reason is not null) node["reason"] = o.Reason;
        if (o.Infinity != 0) node["infinite"] = o.Infinity > 0 ? "+inf" : "-inf";
        if (o.Partial) node["partial"] = true;
        if (o.Coverage is { } c)
            node["coverage"] = new JsonObject
            {
                ["parts"] = c.Parts, ["parts_with_value"] = c.PartsWithValue,
                ["seconds"] = Math.Round(c.Seconds, 6), ["seconds_with_value"] = Math.Round(c.SecondsWithValue, 6),
            };
        return node;
    }

    /// <summary>key -> encoded outcome, in the dictionary's order.</summary>
    public static JsonObject Write(IEnumerable<KeyValuePair<string, MetricOutcome>> outcomes)
    {
        var node = new JsonObject();
        foreach (var (k, o) in outcomes) node[k] = Write(o);
        return node;
    }

    /// <summary>The outcome <see cref="Write(MetricOutcome)"/> encoded (notes are not part of the encoding: they are
    /// listed as "key: note" beside it, <see cref="Notes"/>).</summary>
    public static MetricOutcome Read(JsonNode? node)
    {
        if (node is JsonValue value) return MetricOutcome.Of(value.GetValue<double>());
        if (node is not JsonObject o) throw new FormatException($"not a metric outcome: {node?.ToJsonString() ?? "null"}");
        MetricCoverage? coverage = o["coverage"] is JsonObject c
            ? new MetricCoverage((int)c["parts"]!, (int)c["parts_with_value"]!, (double)c["seconds"]!, (double)c["seconds_with_value"]!)
            : null;
        int infinity = (string?)o["infinite"] switch { "+inf" => 1, "-inf" => -1, null => 0, var s => throw new FormatException($"infinite: '{s}'") };
        return MetricOutcome.Restore((double?)o["value"], (string?)o["reason"], infinity, coverage);
    }

    /// <summary>The outcomes' own notes as "key: note" lines, each once.</summary>
    public static IEnumerable<string> Notes(IEnumerable<KeyValuePair<string, MetricOutcome>> outcomes) =>
        outcomes.SelectMany(kv => kv.Value.Notes.Select(n => $"{kv.Key}: {n}")).Distinct();
}
