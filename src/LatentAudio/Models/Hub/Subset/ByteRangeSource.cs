namespace LatentAudio.Models.Hub;

/// <summary>
/// Random access to the bytes of one remote (or local) file: what the subset fetch of a zip checkpoint reads through,
/// so the same reader serves an HTTP server that honours Range requests and a file on disk (tests, local copies).
/// </summary>
public interface IByteRangeSource
{
    /// <summary>Shown in messages: the file's name (or URL path).</summary>
    string Name { get; }
    /// <summary>The file's size in bytes.</summary>
    long Length { get; }
    /// <summary>Bytes received so far by every read, for the "fetched N of M" report.</summary>
    long BytesRead { get; }
    /// <summary>Exactly <paramref name="count"/> bytes from <paramref name="offset"/>.</summary>
    Task<byte[]> ReadAsync(long offset, int count, CancellationToken ct);
}

/// <summary>A file on disk as an <see cref="IByteRangeSource"/>.</summary>
public sealed class FileRangeSource(string path) : IByteRangeSource
{
    private long _read;

    public string Name => path;
    public long Length => new FileInfo(path).Length;
    public long BytesRead => Interlocked.Read(ref _read);

    public async Task<byte[]> ReadAsync(long offset, int count, CancellationToken ct)
    {
        if (offset < 0 || count < 0 || offset + count > Length)
            throw InvalidInputException.ForFile(path, $"has no bytes {offset}..{offset + count} (it holds {Length})");
        var buffer = new byte[count];
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        file.Position = offset;
        await file.ReadExactlyAsync(buffer, ct);
        Interlocked.Add(ref _read, count);
        return buffer;
    }
}

/// <summary>
/// The server answered a Range request with the whole file (200, RFC 9110 §14.2: a server may ignore Range), so
/// entries cannot be fetched one by one; the caller falls back to downloading the whole file.
/// </summary>
public sealed class RangeNotHonouredException(string message) : LatentAudioException(message);
