using System.Globalization;
using System.Text.RegularExpressions;
using LatentAudio.Models.Pickle;

namespace LatentAudio.Models.Hub;

/// <summary>What a subset fetch did: bytes received over the network against the remote file's size.</summary>
public sealed record SubsetFetchReport(string File, long BytesFetched, long FileSize, int EntriesFetched, int EntriesReused)
{
    public long BytesSaved => FileSize - BytesFetched;

    /// <summary>"fetched 312.0 MB of 2.90 GB, saved 2.59 GB".</summary>
    public string Summary =>
        $"{File}: fetched {Size(BytesFetched)} of {Size(FileSize)}, saved {Size(BytesSaved)}" +
        (EntriesReused > 0 ? $" ({EntriesReused} entries kept from an interrupted fetch)" : "");

    private static string Size(long bytes) => bytes >= 1_000_000_000 ? Invariant(bytes / 1e9, "0.00 GB")
        : bytes >= 1_000_000 ? Invariant(bytes / 1e6, "0.0 MB") : Invariant(bytes / 1e3, "0.0 kB");

    private static string Invariant(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>
/// Fetches only part of a torch zip checkpoint (torch/serialization.py _save: <c>{root}/data.pkl</c>, the storages as
/// <c>{root}/data/{key}</c>, small <c>byteorder</c>/<c>version</c> entries): the central directory, then data.pkl, which
/// the <see cref="RestrictedUnpickler"/> reads to learn which storages the kept keys use, then those storages alone.
/// They are written as a smaller torch zip (<see cref="TorchZipWriter"/>, same root and small entries) that
/// <see cref="TorchCheckpointReader"/> reads unchanged. Each fetched storage is first kept under
/// <c>{target}.incomplete/</c> (temp + rename), so an interrupted fetch resumes with the storages it lacks; the
/// target appears (temp + rename) only when complete.
/// </summary>
public static partial class CheckpointSubset
{
    /// <summary>The largest data.pkl read (a LatentDiffusion pickle is a few hundred kB).</summary>
    private const long MaxPickleBytes = 256L << 20;

    public static async Task<SubsetFetchReport> FetchAsync(IByteRangeSource source, string target, Func<string, bool> keep,
        IProgress<DownloadProgress>? progress = null, CancellationToken ct = default, long maxRunBytes = DefaultRunBytes)
    {
        long before = source.BytesRead;
        var zip = await ZipDirectory.ReadAsync(source, ct);
        var pickles = zip.Entries.Where(e => e.Name.EndsWith("/data.pkl", StringComparison.Ordinal) && e.Name.Count(c => c == '/') == 1).ToList();
        if (pickles.Count != 1) throw InvalidInputException.ForFile(source.Name, "has no {root}/data.pkl: not a PyTorch zip checkpoint");
        if (pickles[0].Size > MaxPickleBytes) throw InvalidInputException.ForFile(source.Name, $"has a {pickles[0].Size}-byte data.pkl, too large");
        var root = pickles[0].Name[..^"/data.pkl".Length];
        var dataPrefix = root + "/data/";

        // Everything that is not a storage (data.pkl, byteorder, version, .data/serialization_id...) is small and kept.
        var small = zip.Entries.Where(e => !e.Name.StartsWith(dataPrefix, StringComparison.Ordinal)).OrderBy(e => e.LocalHeaderOffset).ToList();
        var smallBytes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var e in small) smallBytes[e.Name] = await zip.ReadEntryAsync(e, ct);
        var keys = NeededStorages(source.Name, smallBytes[pickles[0].Name], keep);
        var storages = keys.Select(k => zip.Find(dataPrefix + k)
            ?? throw InvalidInputException.ForFile(source.Name, $"refers to storage {k}, which the archive lacks")).OrderBy(e => e.LocalHeaderOffset).ToList();

        var parts = target + ".incomplete";
        Directory.CreateDirectory(parts);
        long total = storages.Sum(e => e.SpanLength), done = 0;
        int fetched = 0, reused = 0;
        var name = Path.GetFileName(target);
        progress?.Report(new DownloadProgress(name, 0, total, false));
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var pending = new List<ZipEntryRecord>();
        foreach (var entry in storages)
        {
            var part = Path.Combine(parts, entry.Name[dataPrefix.Length..]);
            if (File.Exists(part) && await File.ReadAllBytesAsync(part, ct) is var kept && ZipDirectory.Matches(entry, kept))
            {
                data[entry.Name] = kept;
                reused++;
                done += entry.SpanLength;
            }
            else pending.Add(entry);
        }
        progress?.Report(new DownloadProgress(name, done, total, false));
        foreach (var run in AdjacentRuns(pending, maxRunBytes))
        {
            var bytes = await zip.ReadAdjacentEntriesAsync(run, ct);
            for (int i = 0; i < run.Count; i++)
            {
                data[run[i].Name] = bytes[i];
                WriteAtomically(Path.Combine(parts, run[i].Name[dataPrefix.Length..]), bytes[i]);
                done += run[i].SpanLength;
            }
            fetched += run.Count;
            progress?.Report(new DownloadProgress(name, done, total, false));
        }

        var temp = $"{target}.{Guid.NewGuid():N}.tmp";
        using (var writer = new TorchZipWriter(new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20)))
        {
            // data.pkl first, as torch writes it; then the storages; the other small entries after, as torch does.
            writer.Add(pickles[0].Name, smallBytes[pickles[0].Name]);
            foreach (var e in small.Where(e => e.Name.EndsWith("/byteorder", StringComparison.Ordinal))) writer.Add(e.Name, smallBytes[e.Name]);
            foreach (var e in storages) writer.Add(e.Name, data[e.Name]);
            foreach (var e in small.Where(e => e != pickles[0] && !e.Name.EndsWith("/byteorder", StringComparison.Ordinal))) writer.Add(e.Name, smallBytes[e.Name]);
            writer.Finish();
        }
        File.Move(temp, target, overwrite: true);
        Directory.Delete(parts, recursive: true);
        progress?.Report(new DownloadProgress(name, new FileInfo(target).Length, new FileInfo(target).Length, Completed: true));
        return new SubsetFetchReport(source.Name, source.BytesRead - before, source.Length, fetched, reused);
    }

    /// <summary>
    /// Back-to-back entries grouped into one request each, up to <paramref name="maxRunBytes"/>: few requests (latency),
    /// and an interrupted request loses at most one run, the entries before it being kept.
    /// </summary>
    internal static IEnumerable<List<ZipEntryRecord>> AdjacentRuns(IEnumerable<ZipEntryRecord> entries, long maxRunBytes)
    {
        var run = new List<ZipEntryRecord>();
        long bytes = 0;
        foreach (var e in entries.OrderBy(e => e.LocalHeaderOffset))
        {
            if (run.Count > 0 && (run[^1].SpanEnd != e.LocalHeaderOffset || bytes + e.SpanLength > maxRunBytes))
            {
                yield return run;
                run = [];
                bytes = 0;
            }
            run.Add(e);
            bytes += e.SpanLength;
        }
        if (run.Count > 0) yield return run;
    }

    /// <summary>The most one range request asks for when it covers several entries (<see cref="HubSettings.RangeRunBytes"/>).</summary>
    public const long DefaultRunBytes = 32L << 20;

    /// <summary>
    /// Records beside a subset the sha256 of the whole remote file (the hub's ETag of an LFS file), so a model loaded
    /// from the subset has the identity of the whole file (<c>ModelIdentity.WeightsSha256</c>): latents encoded with
    /// either decode with the other. Nothing is written for an ETag that is no sha256.
    /// </summary>
    public static void WriteSourceSha256(string subset, string etag)
    {
        if (!Sha256Hex().IsMatch(etag)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(subset))!);
        WriteAtomically(subset + SourceSha256Suffix, System.Text.Encoding.ASCII.GetBytes(etag));
    }

    /// <summary>The whole file's sha256 recorded beside <paramref name="path"/> by <see cref="WriteSourceSha256"/>, or null.</summary>
    public static byte[]? SourceSha256(string path)
    {
        var sidecar = path + SourceSha256Suffix;
        try { return File.Exists(sidecar) && File.ReadAllText(sidecar).Trim() is var hex && Sha256Hex().IsMatch(hex) ? Convert.FromHexString(hex) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private const string SourceSha256Suffix = ".source-sha256";

    [GeneratedRegex("^[0-9a-f]{64}$")] private static partial Regex Sha256Hex();

    /// <summary>The storage keys the tensors <paramref name="keep"/> accepts live in, in first-use order.</summary>
    internal static IReadOnlyList<string> NeededStorages(string file, byte[] pickle, Func<string, bool> keep)
    {
        object? top;
        try { top = new RestrictedUnpickler(pickle, new TorchPicklePolicy()).Load(); }
        catch (PickleRefusedException e) { throw InvalidInputException.ForFile(file, $"refused: {e.Message}"); }
        catch (PickleFormatException e) { throw InvalidInputException.ForFile(file, $"malformed checkpoint pickle: {e.Message}"); }
        var dict = TorchCheckpointReader.StateDict(file, top);
        var keys = new List<string>();
        foreach (var (key, value) in dict.Items)
        {
            if (value is not TorchTensorRef t || key is not string name || !keep(name)) continue;
            // The key becomes a file name under .incomplete/: torch writes decimal numbers; refuse anything else.
            if (!SafeKey().IsMatch(t.Storage.Key)) throw InvalidInputException.ForFile(file, $"names a storage '{t.Storage.Key}', which is no plain key");
            if (!keys.Contains(t.Storage.Key)) keys.Add(t.Storage.Key);
        }
        if (keys.Count == 0) throw InvalidInputException.ForFile(file, "holds none of the tensors wanted");
        return keys;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")] private static partial Regex SafeKey();
}
