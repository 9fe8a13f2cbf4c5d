using System.Globalization;
using System.Text.Json;
using LatentAudio.Audio;

namespace LatentAudio.Study;

/// <summary>
/// One item of an evaluation: a stable id (the manifest's id, else the path relative to the input's root, with '/'),
/// its category, and where its audio is (a file, or the window [offset, offset + duration) of it).
/// </summary>
public sealed record EvaluationItem(string Id, string Category, string Path, double OffsetSeconds = 0, double? Seconds = null)
{
    public const string Uncategorised = "uncategorised";

    public AudioSource Source() => AudioSource.File(Path, OffsetSeconds, Seconds);
}

/// <summary>
/// The item sources of an evaluation: a folder (an item's category is its first-level sub-folder; files directly in
/// the folder are <see cref="EvaluationItem.Uncategorised"/>), a manifest (.csv/.tsv with a header, or .jsonl: a
/// <c>path</c> column and optional <c>id</c>, <c>category</c>, <c>offset</c>, <c>duration</c>), a Kaldi
/// <c>wav.scp</c> (<c>id path</c> lines, with an optional <c>utt2category</c> beside it), or one audio file.
/// Relative paths in a manifest or wav.scp are relative to the file's folder. A missing audio file is not an error
/// here: the item fails when it is read, and becomes a failure row.
/// </summary>
public static class EvaluationItems
{
    /// <summary>The items of every input, in input order, each source's items sorted by id; duplicate ids are refused.</summary>
    public static IReadOnlyList<EvaluationItem> Expand(IEnumerable<string> inputs)
    {
        var items = new List<EvaluationItem>();
        foreach (var input in inputs) items.AddRange(FromInput(input));
        var dup = items.GroupBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new InvalidInputException($"two items share the id '{dup.Key}': {string.Join(", ", dup.Select(d => d.Path))}");
        return items;
    }

    public static IReadOnlyList<EvaluationItem> FromInput(string input)
    {
        if (Directory.Exists(input)) return FromFolder(input);
        if (!File.Exists(input)) throw InvalidInputException.ForFile(input, "no such file or folder");
        string name = System.IO.Path.GetFileName(input).ToLowerInvariant();
        string ext = System.IO.Path.GetExtension(name);
        if (name == "wav.scp" || ext == ".scp") return FromWavScp(input);
        if (ext is ".csv" or ".tsv" or ".jsonl") return FromManifest(input);
        if (AudioFile.KnownExtensions.Contains(ext))
            return [new EvaluationItem(System.IO.Path.GetFileName(input), EvaluationItem.Uncategorised, input)];
        throw InvalidInputException.ForFile(input, "not a folder, a manifest (.csv, .tsv, .jsonl), a wav.scp or an audio file");
    }

    public static IReadOnlyList<EvaluationItem> FromFolder(string root)
    {
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => AudioFile.KnownExtensions.Contains(System.IO.Path.GetExtension(f).ToLowerInvariant()))
            .Select(f => (Path: f, Rel: System.IO.Path.GetRelativePath(root, f).Replace(System.IO.Path.DirectorySeparatorChar, '/')))
            .Where(f => !f.Rel.Split('/').Any(p => p.StartsWith('.')))
            .OrderBy(f => f.Rel, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw InvalidInputException.ForFile(root, $"folder holds no {string.Join(", ", AudioFile.KnownExtensions)} files");
        return files.Select(f =>
        {
            int slash = f.Rel.IndexOf('/');
            return new EvaluationItem(f.Rel, slash < 0 ? EvaluationItem.Uncategorised : f.Rel[..slash], f.Path);
        }).ToList();
    }

    public static IReadOnlyList<EvaluationItem> FromManifest(string manifest)
    {
        var rows = System.IO.Path.GetExtension(manifest).Equals(".jsonl", StringComparison.OrdinalIgnoreCase)
            ? ReadJsonl(manifest) : ReadTable(manifest, System.IO.Path.GetExtension(manifest).Equals(".tsv", StringComparison.OrdinalIgnoreCase) ? '\t' : ',');
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(manifest))!;
        var items = new List<EvaluationItem>();
        foreach (var (line, row) in rows)
        {
            string where = $"{manifest}:{line}";
            if (!row.TryGetValue("path", out var path) || string.IsNullOrWhiteSpace(path))
                throw InvalidInputException.ForFile(where, "no path");
            string id = row.TryGetValue("id", out var i) && !string.IsNullOrWhiteSpace(i) ? i.Trim() : path.Replace('\\', '/');
            string category = row.TryGetValue("category", out var c) && !string.IsNullOrWhiteSpace(c) ? c.Trim() : EvaluationItem.Uncategorised;
            double offset = Number(row, "offset", where) ?? 0;
            double? duration = Number(row, "duration", where);
            if (offset < 0) throw InvalidInputException.ForFile(where, "offset is negative");
            if (duration is <= 0) throw InvalidInputException.ForFile(where, "duration must be positive");
            items.Add(new EvaluationItem(id, category, System.IO.Path.Combine(dir, path), offset, duration));
        }
        if (items.Count == 0) throw InvalidInputException.ForFile(manifest, "the manifest lists no items");
        return items;
    }

    public static IReadOnlyList<EvaluationItem> FromWavScp(string scp)
    {
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(scp))!;
        var categories = new Dictionary<string, string>(StringComparer.Ordinal);
        string utt2category = System.IO.Path.Combine(dir, "utt2category");
        if (File.Exists(utt2category))
            foreach (var (id, rest, _) in KaldiLines(utt2category)) categories[id] = rest;
        var items = new List<EvaluationItem>();
        foreach (var (id, rest, line) in KaldiLines(scp))
        {
            if (rest.EndsWith('|')) throw InvalidInputException.ForFile($"{scp}:{line}", "piped wav.scp entries (commands) are not supported; give a file path");
            items.Add(new EvaluationItem(id, categories.GetValueOrDefault(id, EvaluationItem.Uncategorised), System.IO.Path.Combine(dir, rest)));
        }
        if (items.Count == 0) throw InvalidInputException.ForFile(scp, "lists no items");
        return items;
    }

    private static IEnumerable<(string Id, string Value, int Line)> KaldiLines(string path)
    {
        int n = 0;
        foreach (var raw in File.ReadLines(path))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            int sp = line.IndexOfAny([' ', '\t']);
            if (sp < 0) throw InvalidInputException.ForFile($"{path}:{n}", "expected 'id value'");
            yield return (line[..sp], line[(sp + 1)..].Trim(), n);
        }
    }

    private static double? Number(Dictionary<string, string> row, string key, string where)
    {
        if (!row.TryGetValue(key, out var s) || string.IsNullOrWhiteSpace(s)) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw InvalidInputException.ForFile(where, $"{key} is not a number: '{s}'");
        return v;
    }

    private static List<(int Line, Dictionary<string, string> Row)> ReadJsonl(string path)
    {
        var rows = new List<(int, Dictionary<string, string>)>();
        int n = 0;
        foreach (var raw in File.ReadLines(path))
        {
            n++;
            if (string.IsNullOrWhiteSpace(raw)) continue;
            try
            {
                using var doc = JsonDocument.Parse(raw);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw InvalidInputException.ForFile($"{path}:{n}", "not a JSON object");
                var row = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var p in doc.RootElement.EnumerateObject())
                    row[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString()!,
                        JsonValueKind.Number => p.Value.GetRawText(),
                        JsonValueKind.Null => "",
                        _ => p.Value.GetRawText(),
                    };
                rows.Add((n, row));
            }
            catch (JsonException e)
            {
                throw InvalidInputException.ForFile($"{path}:{n}", $"not JSON: {e.Message}");
            }
        }
        return rows;
    }

    private static List<(int Line, Dictionary<string, string> Row)> ReadTable(string path, char separator)
    {
        var lines = File.ReadAllLines(path);
        int first = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (first < 0) throw InvalidInputException.ForFile(path, "empty manifest");
        var header = SplitRow(lines[first], separator).Select(h => h.Trim().TrimStart('\uFEFF')).ToList();
        if (!header.Contains("path", StringComparer.OrdinalIgnoreCase)) throw InvalidInputException.ForFile(path, "the header has no 'path' column");
        var rows = new List<(int, Dictionary<string, string>)>();
        for (int i = first + 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var cells = SplitRow(lines[i], separator);
            if (cells.Count != header.Count)
                throw InvalidInputException.ForFile($"{path}:{i + 1}", $"{cells.Count} fields where the header has {header.Count}");
            var row = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int c = 0; c < header.Count; c++) row[header[c]] = cells[c];
            rows.Add((i + 1, row));
        }
        return rows;
    }

    /// <summary>One CSV/TSV record: fields may be double-quoted, with "" for a quote inside.</summary>
    private static List<string> SplitRow(string line, char separator)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"' && cell.Length == 0) quoted = true;
            else if (ch == separator) { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(ch);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}

/// <summary>Which shard an item belongs to: FNV-1a 64 of its id's UTF-8 bytes modulo the shard count, the same on every
/// machine and runtime (never <see cref="string.GetHashCode()"/>, which is randomised per process).</summary>
public static class ShardHash
{
    public static ulong Fnv1a64(string id)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in System.Text.Encoding.UTF8.GetBytes(id))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        return h;
    }

    public static int Shard(string id, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return (int)(Fnv1a64(id) % (ulong)count);
    }
}
