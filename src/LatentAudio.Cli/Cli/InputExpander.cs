using LatentAudio.Audio;

namespace LatentAudio.Cli;

/// <summary>
/// The one input-expansion rule of every command: INPUT arguments are files, or folders searched recursively for the
/// accepted extensions (audio by default; hidden files skipped), in ordinal order. A file in a sub-folder keeps its
/// relative path in its stem (<c>a/b.wav</c> -> <c>a_b</c>), so equal names in different folders do not collide.
/// Files whose stems still collide but whose extensions differ keep the extension in the stem
/// (<c>speech.flac</c>, <c>speech.mp3</c> -> <c>speech_flac</c>, <c>speech_mp3</c>); any other collision is refused.
/// </summary>
public static class InputExpander
{
    public sealed record Input(string Path, string Stem);

    /// <param name="badArgument">When given, an argument that is missing (or a folder without audio) is passed to it
    /// and the others are still expanded; when null, it is thrown.</param>
    public static IReadOnlyList<Input> Expand(IEnumerable<string> arguments, IReadOnlyCollection<string>? extensions = null,
        Action<string, InvalidInputException>? badArgument = null)
    {
        extensions ??= AudioFile.KnownExtensions;
        var result = new List<Input>();
        foreach (var arg in arguments)
        {
            try { ExpandOne(arg, extensions, result); }
            catch (InvalidInputException e) when (badArgument is not null) { badArgument(arg, e); }
        }
        result = KeepExtensionsOfCollidingStems(result);
        var dup = result.GroupBy(i => i.Stem).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new InvalidInputException($"two inputs would share the output name '{dup.Key}': {string.Join(", ", dup.Select(d => d.Path))}");
        return result;
    }

    private static void ExpandOne(string arg, IReadOnlyCollection<string> extensions, List<Input> result)
    {
        if (Directory.Exists(arg))
        {
            var files = Directory.EnumerateFiles(arg, "*", SearchOption.AllDirectories)
                .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw InvalidInputException.ForFile(arg, $"folder holds no {string.Join(", ", extensions)} files");
            foreach (var f in files)
            {
                // Files in sub-folders keep their relative path in the name, so equal stems do not collide.
                var rel = Path.GetRelativePath(arg, f);
                var stem = Path.Combine(Path.GetDirectoryName(rel) ?? "", Path.GetFileNameWithoutExtension(rel)).Replace(Path.DirectorySeparatorChar, '_');
                result.Add(new Input(f, stem));
            }
        }
        else if (File.Exists(arg)) result.Add(new Input(arg, Path.GetFileNameWithoutExtension(arg)));
        else throw InvalidInputException.ForFile(arg, "no such file or folder");
    }

    /// <summary>The extensions searched for in folders, for help texts: ".wav, .wave, .flac, .mp3, .ogg, .oga".</summary>
    public static string AudioExtensionList => string.Join(", ", AudioFile.KnownExtensions);

    private static List<Input> KeepExtensionsOfCollidingStems(List<Input> inputs)
    {
        var colliding = inputs.GroupBy(i => i.Stem).Where(g => g.Count() > 1)
            .Where(g => g.Select(i => Path.GetExtension(i.Path).ToLowerInvariant()).Distinct().Count() == g.Count())
            .Select(g => g.Key).ToHashSet();
        if (colliding.Count == 0) return inputs;
        return inputs.Select(i => colliding.Contains(i.Stem)
            ? i with { Stem = i.Stem + "_" + Path.GetExtension(i.Path).TrimStart('.').ToLowerInvariant() }
            : i).ToList();
    }
}
