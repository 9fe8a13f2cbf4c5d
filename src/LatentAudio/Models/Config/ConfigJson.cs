using System.Text.Json;

namespace LatentAudio.Models.Config;

/// <summary>Typed access to a config.json object; every problem is an <see cref="InvalidInputException"/> naming the file and key.</summary>
internal sealed class ConfigJson
{
    private readonly JsonElement _root;

    private ConfigJson(string path, JsonElement root)
    {
        Path = path;
        _root = root;
    }

    public string Path { get; }

    public static ConfigJson Load(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "no such file");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw InvalidInputException.ForFile(path, "config is not a JSON object");
            JsonText.EnsureReadable(doc.RootElement, path, "config");
            return new ConfigJson(path, doc.RootElement.Clone());
        }
        catch (JsonException e) { throw InvalidInputException.ForFile(path, $"not valid JSON ({e.Message.Split('.')[0]})"); }
    }

    public InvalidInputException Error(string problem) => InvalidInputException.ForFile(Path, problem);

    private JsonElement? Get(string key) =>
        _root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    public bool Has(string key) => Get(key) is not null;

    public string? String(string key) => Get(key) is { } v
        ? v.ValueKind == JsonValueKind.String ? v.GetString() : throw Error($"'{key}' must be a string")
        : null;

    public int Int(string key, int? fallback = null)
    {
        if (Get(key) is { } v)
            return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : throw Error($"'{key}' must be an integer, got {v.GetRawText()}");
        return fallback ?? throw Error($"missing '{key}'");
    }

    public double Double(string key, double? fallback = null)
    {
        if (Get(key) is { } v)
            return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Error($"'{key}' must be a number, got {v.GetRawText()}");
        return fallback ?? throw Error($"missing '{key}'");
    }

    public bool Bool(string key, bool fallback)
    {
        if (Get(key) is { } v)
            return v.ValueKind switch { JsonValueKind.True => true, JsonValueKind.False => false, _ => throw Error($"'{key}' must be true or false") };
        return fallback;
    }

    public int[] Ints(string key, int[]? fallback = null)
    {
        if (Get(key) is not { } v) return fallback ?? throw Error($"missing '{key}'");
        if (v.ValueKind != JsonValueKind.Array) throw Error($"'{key}' must be a list of integers");
        return v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out int i) ? i : throw Error($"'{key}' must be a list of integers")).ToArray();
    }

    public string[] Strings(string key, string[]? fallback = null)
    {
        if (Get(key) is not { } v) return fallback ?? throw Error($"missing '{key}'");
        if (v.ValueKind != JsonValueKind.Array) throw Error($"'{key}' must be a list of strings");
        return v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw Error($"'{key}' must be a list of strings")).ToArray();
    }

    public int[][] IntLists(string key)
    {
        if (Get(key) is not { } v || v.ValueKind != JsonValueKind.Array) throw Error($"missing '{key}' (a list of integer lists)");
        return v.EnumerateArray().Select(row => row.ValueKind == JsonValueKind.Array
            ? row.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number && x.TryGetInt32(out int i) ? i : throw Error($"'{key}' must hold integer lists")).ToArray()
            : throw Error($"'{key}' must hold integer lists")).ToArray();
    }
}
