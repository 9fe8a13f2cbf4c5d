using LatentAudio.Models.Safetensors;

namespace LatentAudio.Models.Config;

/// <summary>Compares a checkpoint with the layout its config implies and reports every difference at once.</summary>
public static class WeightCheck
{
    public static void Validate(SafetensorsFile file, IReadOnlyList<TensorSpec> expected)
    {
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in expected)
        {
            names.Add(spec.Name);
            if (!file.Entries.TryGetValue(spec.Name, out var e)) problems.Add($"missing {spec.Name} {spec.ShapeText}");
            else if (!e.Shape.SequenceEqual(spec.Shape)) problems.Add($"{spec.Name} has shape {e.ShapeText}, config implies {spec.ShapeText}");
        }
        foreach (var name in file.Entries.Keys.Where(n => !names.Contains(n)).Order(StringComparer.Ordinal))
            problems.Add($"unexpected {name} {file.Entries[name].ShapeText}");
        if (problems.Count > 0)
            throw InvalidInputException.ForFile(file.Path,
                $"weights do not match config.json ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): {string.Join("; ", problems)}");
    }
}
