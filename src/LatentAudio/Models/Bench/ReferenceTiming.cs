using System.Text.Json;

namespace LatentAudio.Models.Bench;

/// <summary>
/// A PyTorch timing of the three stages, as <c>reference/bench/time_reference.py</c> writes it (format in
/// docs/benchmarks.md): <c>frames</c> and <c>torch_num_threads</c> (integers) and <c>encode_s</c>, <c>decode_s</c>,
/// <c>vocoder_s</c> (the minimum of the timed runs, positive seconds) are required; <c>cpu</c>, <c>torch</c>,
/// <c>diffusers</c>, <c>transformers</c> (strings) are shown when present; other keys are ignored.
/// </summary>
public sealed record ReferenceTiming(string Path, int Frames, int Threads, double EncodeSeconds, double DecodeSeconds, double VocoderSeconds,
    string? Cpu, string? Versions)
{
    public static ReferenceTiming Load(string path)
    {
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "no such reference timing file");
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(path, "a reference timing is a JSON object");
            JsonText.EnsureReadable(root, path, "reference timing");
            var versions = string.Join(", ", new[] { "torch", "diffusers", "transformers" }
                .Select(k => Text(root, path, k) is { } v ? $"{k} {v}" : null).OfType<string>());
            return new ReferenceTiming(path, PositiveInt(root, path, "frames"), PositiveInt(root, path, "torch_num_threads"),
                Seconds(root, path, "encode_s"), Seconds(root, path, "decode_s"), Seconds(root, path, "vocoder_s"),
                Text(root, path, "cpu"), versions.Length > 0 ? versions : null);
        }
        catch (JsonException e) { throw Bad(path, $"not valid JSON ({e.Message.Split('.')[0]})"); }
    }

    private static InvalidInputException Bad(string path, string problem) => InvalidInputException.ForFile(path, $"reference timing: {problem}");

    private static JsonElement Required(JsonElement root, string path, string key) =>
        root.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : throw Bad(path, $"missing '{key}'");

    private static int PositiveInt(JsonElement root, string path, string key)
    {
        var v = Required(root, path, key);
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i > 0 ? i : throw Bad(path, $"'{key}' must be a positive integer, got {v.GetRawText()}");
    }

    private static double Seconds(JsonElement root, string path, string key)
    {
        var v = Required(root, path, key);
        return v.ValueKind == JsonValueKind.Number && v.GetDouble() is var s && double.IsFinite(s) && s > 0
            ? s : throw Bad(path, $"'{key}' must be a positive number of seconds, got {v.GetRawText()}");
    }

    private static string? Text(JsonElement root, string path, string key) =>
        !root.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString() : throw Bad(path, $"'{key}' must be a string");
}
