using LatentAudio.Models.Safetensors;

namespace LatentAudio.Models.Config;

/// <summary>Compares a checkpoint with the layout its config implies and reports every difference at once.</summary>
public static class WeightCheck
{
    public static void Validate(SafetensorsFile file, IReadOnlyList<TensorSpec> expected) =>
        Validate(file.Path, file.Entries.ToDictionary(kv => kv.Key, kv => kv.Value.Shape), expected);

    /// <param name="source">What the expected layout comes from, for the message.</param>
    public static void Validate(string path, IReadOnlyDictionary<string, int[]> shapes, IReadOnlyList<TensorSpec> expected, string source = "config.json")
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in expected)
        {
            names.Add(spec.Name);
            if (!shapes.TryGetValue(spec.Name, out var shape)) problems.Add($"missing {spec.Name} {spec.ShapeText}");
            else if (!shape.SequenceEqual(spec.Shape)) problems.Add($"{spec.Name} has shape {Text(shape)}, config implies {spec.ShapeText}");
        }
        foreach (var name in shapes.Keys.Where(n => !names.Contains(n)).Order(StringComparer.Ordinal))
            problems.Add($"unexpected {name} {Text(shapes[name])}");
        if (problems.Count > 0)
            throw InvalidInputException.ForFile(path,
                $"weights do not match {source} ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): {string.Join("; ", problems)}");
    }

    private static string Text(int[] shape) => $"[{string.Join(", ", shape)}]";
}
