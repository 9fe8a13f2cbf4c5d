using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace LatentAudio.Models.Onnx;

/// <summary>
/// The sha256 of files, remembered in a folder (the graph cache's <c>digests/</c>) so that a cached load does not
/// read hundreds of MB of weights only to name the cache entry. A remembered digest is used only while the file's
/// <see cref="FileIdentity"/> — device, inode, size, modification time and status-change time (ctime), in
/// nanoseconds — equals the one seen before and after the file was hashed; any difference (a write in place, even of
/// the same size; a file renamed over it; <c>touch</c>; chmod) means the file is read and hashed again. What is
/// trusted, then, is the kernel's ctime: a user program cannot set it back, so only a changed system clock, a raw
/// disk edit or a file system that does not keep ctime could give changed bytes an unchanged identity.
/// A file is remembered only when its ctime is at least <see cref="DefaultSettle"/> older than the moment hashing
/// began: on a file system with coarse timestamps (1 s, 2 s) a write in the same tick as the last one would otherwise
/// leave the ctime unchanged (git's "racily clean" problem). Without a folder, where <see cref="FileIdentity"/> is
/// unavailable (not Linux), or when the record is unreadable or corrupt, every call hashes the file.
/// </summary>
internal sealed class FileDigests
{
    /// <summary>How much older than the hash the file's last change must be for its digest to be remembered.</summary>
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromSeconds(2);

    private const string Magic = "latentaudio-digest 1";
    private readonly string? _folder;
    private readonly TimeSpan _settle;
    private int _hashed;

    public FileDigests(string? folder) : this(folder, DefaultSettle) { }

    internal FileDigests(string? folder, TimeSpan settle)
    {
        _folder = folder;
        _settle = settle;
    }

    /// <summary>Files this instance has read and hashed (the others came from the record).</summary>
    internal int Hashed => _hashed;

    /// <summary>The lowercase hex sha256 of <paramref name="path"/>'s bytes.</summary>
    public string Sha256(string path)
    {
        var full = Path.GetFullPath(path);
        var record = _folder is null ? null : Path.Combine(_folder, RecordName(full));
        var before = FileIdentity.Of(full);
        if (record is not null && before is { } known && Recorded(record, full, known) is { } remembered) return remembered;
        var started = DateTime.UtcNow;
        var digest = Hash(full);
        Interlocked.Increment(ref _hashed);
        if (record is not null && before is { } seen && FileIdentity.Of(full) == seen && seen.ChangedUtc <= started - _settle)
            Write(record, Line(full, seen, digest));
        return digest;
    }

    public static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>One record per file, named by a hash of its full path (the path itself is inside and checked).</summary>
    private static string RecordName(string fullPath) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fullPath)))[..32] + ".sha256";

    /// <summary>The record's fields tab-separated, then the XxHash64 of the text before it (a torn or flipped record is not believed).</summary>
    private static string Line(string fullPath, FileIdentity id, string digest)
    {
        var body = string.Join('\t', Magic, fullPath, id.ToString(), digest);
        return body + "\t" + Check(body);
    }

    private static string Check(string body) => Convert.ToHexStringLower(XxHash64.Hash(Encoding.UTF8.GetBytes(body)));

    private static string? Recorded(string record, string fullPath, FileIdentity now)
    {
        string text;
        try { text = File.ReadAllText(record, Encoding.UTF8); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        int last = text.LastIndexOf('\t');
        if (last < 0) return null;
        var body = text[..last];
        if (!string.Equals(text[(last + 1)..], Check(body), StringComparison.Ordinal)) return null;
        var fields = body.Split('\t');
        if (fields.Length != 4 || fields[0] != Magic || fields[1] != fullPath || fields[2] != now.ToString()) return null;
        var digest = fields[3];
        return digest.Length == 64 && digest.All(char.IsAsciiHexDigitLower) ? digest : null;
    }

    /// <summary>Temporary file + rename, so a concurrent reader sees the old record, the new one or none.</summary>
    private static void Write(string record, string line)
    {
        var folder = Path.GetDirectoryName(record)!;
        var temp = Path.Combine(folder, $".tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(temp, line, new UTF8Encoding(false));
            File.Move(temp, record, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
        }
    }
}
