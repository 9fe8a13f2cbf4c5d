using System.Diagnostics;
using System.Globalization;

namespace LatentAudio.Models.Hub;

/// <summary>Bytes of one file received so far (including what a resumed download already had).</summary>
public sealed record DownloadProgress(string File, long Received, long? Total, bool Completed);

/// <summary>
/// A one-line text progress bar on a writer (stderr): redrawn in place with '\r' on a terminal, at most five times
/// a second; when the writer is not a terminal, only one line per finished file.
/// </summary>
public sealed class TextProgressBar(TextWriter writer, bool interactive) : IProgress<DownloadProgress>
{
    private const int Width = 30;
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private string? _current;

    public static TextProgressBar ForStandardError() => new(Console.Error, !Console.IsErrorRedirected);

    public void Report(DownloadProgress p)
    {
        if (p.Completed)
        {
            if (interactive) writer.Write("\r" + Line(p) + "\n");
            else writer.WriteLine($"downloaded {p.File} ({Megabytes(p.Received)} MB)");
            writer.Flush();
            _current = null;
            return;
        }
        if (!interactive) return;
        if (_current == p.File && _sinceDraw.ElapsedMilliseconds < 200) return;
        _current = p.File;
        _sinceDraw.Restart();
        writer.Write("\r" + Line(p));
        writer.Flush();
    }

    private static string Line(DownloadProgress p)
    {
        if (p.Total is not long total || total <= 0) return $"{p.File}  {Megabytes(p.Received)} MB";
        double f = Math.Clamp((double)p.Received / total, 0, 1);
        int filled = (int)(f * Width);
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.File}  [{new string('#', filled)}{new string('.', Width - filled)}] {f * 100,3:0}%  {Megabytes(p.Received)}/{Megabytes(total)} MB");
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture);
}
