namespace LatentAudio.IO;

/// <summary>
/// Writes a file under a temporary name beside the target and renames it into place once complete, so an
/// interrupted run never leaves a truncated file under the final name, and an existing file is replaced only
/// when the caller says so.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, bool overwrite, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw InvalidInputException.ForFile(path, "is a directory");
        if (File.Exists(full) && !overwrite)
            throw InvalidInputException.ForFile(path, "already exists (use --force to overwrite)");
        var dir = Path.GetDirectoryName(full)!;
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new LatentAudioException($"{path}: cannot create the output folder ({e.Message})"); }
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new LatentAudioException($"{path}: cannot be written ({e.Message})");
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes, bool overwrite)
    {
        var copy = bytes.ToArray();
        Write(path, overwrite, s => s.Write(copy));
    }

    public static void WriteAllText(string path, string text, bool overwrite) =>
        WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text), overwrite);

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
