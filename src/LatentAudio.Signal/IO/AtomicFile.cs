namespace LatentAudio.IO;

/// <summary>
/// Writes a file under a temporary name beside the target and renames it into place once complete, so an
/// interrupted run never leaves a truncated file under the final name, and an existing file is replaced only
/// when the caller says so.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Raised with the full path of every temporary file as it is created, on the creating thread. A front-end that
    /// handles interruption keeps the paths to delete them (the library keeps no list); a handler that throws makes
    /// the write fail, and the file is deleted.
    /// </summary>
    public static event Action<string>? TemporaryFileCreated;

    /// <summary>Raised with the path of a temporary file once it is renamed into place or deleted.</summary>
    public static event Action<string>? TemporaryFileReleased;

    /// <summary>
    /// Reads a temporary name this class gives (<c>.NAME.PID.GUID.tmp</c>): the final file's name and the id of the
    /// process that was writing it, so that a later run can tell a dead process's leftover from a live writer's file.
    /// </summary>
    public static bool TryParseTemporaryName(string fileName, out string target, out int processId)
    {
        target = ""; processId = 0;
        if (!fileName.StartsWith('.') || !fileName.EndsWith(".tmp", StringComparison.Ordinal)) return false;
        var parts = fileName[1..^4].Split('.');
        if (parts.Length < 3) return false;
        string guid = parts[^1], pid = parts[^2];
        if (guid.Length != 32 || !guid.All(char.IsAsciiHexDigit)) return false;
        if (!int.TryParse(pid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out processId) || processId <= 0) return false;
        target = string.Join('.', parts[..^2]);
        return target.Length > 0;
    }

    internal static void Released(string tempPath) => TemporaryFileReleased?.Invoke(tempPath);

    public static void Write(string path, bool overwrite, Action<Stream> write)
    {
        using var pending = Open(path, overwrite);
        pending.Run(() => write(pending.Stream));
        pending.Commit();
    }

    /// <summary>
    /// Opens a temporary file beside <paramref name="path"/> for a writer that produces its content over time
    /// (streaming outputs); <see cref="PendingFile.Commit"/> renames it into place, disposing without a commit
    /// deletes it.
    /// </summary>
    public static PendingFile Open(string path, bool overwrite)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw InvalidInputException.ForFile(path, "is a directory");
        if (File.Exists(full) && !overwrite)
            throw new InvalidInputException($"{path}: already exists") { Remedy = Remedy.Overwrite };
        var dir = Path.GetDirectoryName(full)!;
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new LatentAudioException($"{path}: cannot create the output folder ({e.Message})"); }
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        FileStream stream;
        try { stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new LatentAudioException($"{path}: cannot be written ({e.Message})");
        }
        try { TemporaryFileCreated?.Invoke(temp); }
        catch
        {
            stream.Dispose();
            TryDelete(temp);
            Released(temp);
            throw;
        }
        return new PendingFile(path, full, temp, overwrite, stream);
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool overwrite)
    {
        var copy = bytes.ToArray();
        Write(path, overwrite, s => s.Write(copy));
    }

    public static void WriteAllText(string path, string text, bool overwrite) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), overwrite);

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A file being written under a temporary name; see <see cref="AtomicFile.Open"/>.</summary>
public sealed class PendingFile : IDisposable
{
    private readonly string _shownPath, _fullPath, _tempPath;
    private readonly bool _overwrite;
    private bool _committed;

    internal PendingFile(string shownPath, string fullPath, string tempPath, bool overwrite, FileStream stream)
    {
        _shownPath = shownPath; _fullPath = fullPath; _tempPath = tempPath; _overwrite = overwrite; Stream = stream;
    }

    /// <summary>The temporary file (seekable, so writers can patch headers once the length is known).</summary>
    public FileStream Stream { get; }

    /// <summary>The final path, as the caller gave it.</summary>
    public string Path => _shownPath;

    /// <summary>Runs a write step, turning I/O failures (full disk, revoked permission) into one clear error.</summary>
    public void Run(Action write)
    {
        try { write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LatentAudioException($"{_shownPath}: cannot be written ({e.Message})");
        }
    }

    /// <summary>Flushes to disk and renames the temporary file into place.</summary>
    public void Commit()
    {
        if (_committed) return;
        Run(() =>
        {
            Stream.Flush(flushToDisk: true);
            Stream.Dispose();
            File.Move(_tempPath, _fullPath, _overwrite);
        });
        _committed = true;
        AtomicFile.Released(_tempPath);
    }

    public void Dispose()
    {
        if (_committed) return;
        // Disposing flushes what is buffered; on a full disk that throws again and would replace the clear error
        // already on its way. The temporary file is deleted either way.
        try { Stream.Dispose(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        AtomicFile.TryDelete(_tempPath);
        AtomicFile.Released(_tempPath);
    }
}
