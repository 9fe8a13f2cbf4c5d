using System.Text.Json;

namespace LatentAudio.Models.Safetensors;

/// <summary>Parses and validates a .safetensors JSON header against the size of the data section.</summary>
internal static class SafetensorsHeader
{
    public static (Dictionary<string, SafetensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw InvalidInputException.ForFile(path, $"corrupt .safetensors header (not JSON: {e.Message.Split('.')[0]})"); }
        using (doc)
        {
            JsonText.EnsureReadable(doc.RootElement, path, ".safetensors header");
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "header is not a JSON object");
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad(path, "__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
                    continue;
                }
                if (entries.ContainsKey(prop.Name)) throw Bad(path, $"tensor '{prop.Name}' is listed twice");
                entries[prop.Name] = ParseEntry(path, prop.Name, prop.Value, dataLength);
            }
            CheckNoOverlap(path, entries.Values);
            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement e, long dataLength)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(path, $"tensor '{name}': entry is not an object");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw Bad(path, $"tensor '{name}': missing dtype");
        if (!SafetensorsDTypes.TryParse(dt.GetString()!, out var dtype))
            throw Bad(path, $"tensor '{name}': unknown dtype '{dt.GetString()}'");
        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw Bad(path, $"tensor '{name}': missing shape");
        var shape = new List<int>();
        long count = 1;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out int v) || v < 0) throw Bad(path, $"tensor '{name}': bad shape {sh.GetRawText()}");
            shape.Add(v);
            count = v == 0 ? 0 : count > long.MaxValue / v ? throw Bad(path, $"tensor '{name}': shape {sh.GetRawText()} is too large") : count * v;
        }
        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(path, $"tensor '{name}': missing data_offsets [begin, end]");
        if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Bad(path, $"tensor '{name}': bad data_offsets {off.GetRawText()}");
        if (end > dataLength)
            throw Bad(path, $"tensor '{name}' ends at byte {end} of the data section, which has only {dataLength} bytes (truncated file?)");
        int size = SafetensorsDTypes.Size(dtype);
        if (count > (long.MaxValue / size) || count * size != end - begin)
            throw Bad(path, $"tensor '{name}': shape {sh.GetRawText()} x {SafetensorsDTypes.Name(dtype)} needs {(count <= long.MaxValue / size ? count * size : -1)} bytes, data_offsets give {end - begin}");
        if (count * 4 > Array.MaxLength) throw Bad(path, $"tensor '{name}' is too large to load");
        return new SafetensorsEntry(name, dtype, [.. shape], begin, end);
    }

    private static void CheckNoOverlap(string path, IEnumerable<SafetensorsEntry> entries)
    {
        SafetensorsEntry? previous = null;
        foreach (var e in entries.Where(x => x.End > x.Begin).OrderBy(x => x.Begin))
        {
            if (previous is not null && e.Begin < previous.End)
                throw Bad(path, $"tensors '{previous.Name}' and '{e.Name}' overlap in the data section");
            previous = e;
        }
    }

    private static InvalidInputException Bad(string path, string problem) => InvalidInputException.ForFile(path, $"corrupt .safetensors header: {problem}");
}
