using System.Diagnostics;
using System.Globalization;
using LatentAudio;

namespace LatentAudio.Cli;

/// <summary>
/// Progress of a long command on stderr, over all its inputs: on a terminal one line redrawn in place (a bar, the
/// percentage, elapsed and remaining time); otherwise (a pipe, a file, a CI log) a plain line every
/// <see cref="DefaultInterval"/> at most, the first after one interval (a quick command prints none). Shown with
/// --json too (stdout stays clean); --quiet turns it off.
/// The library reports <see cref="WorkProgress"/>; only this class renders it.
/// </summary>
public sealed class CliProgress : IProgress<WorkProgress>, IDisposable
{
    public const string Help =
        "  -q, --quiet  no progress on stderr (default: a bar with percentage, elapsed and remaining time on a terminal,\n" +
        "               else a plain line every 10 s; also with --json); warnings and errors still appear";

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(10);
    private const int BarWidth = 24;

    private readonly TextWriter? _writer;
    private readonly bool _interactive;
    private readonly Func<TimeSpan> _clock;
    private readonly TimeSpan _interval;
    private readonly int _items;
    private int _item = -1;
    private string _name = "";
    private WorkProgress _last;
    private TimeSpan _lastLine = TimeSpan.Zero, _lastDraw = TimeSpan.MinValue;
    private int _drawn;

    /// <param name="writer">stderr, or null for no progress (--quiet).</param>
    /// <param name="interactive">stderr is a terminal: redraw one line in place.</param>
    /// <param name="items">how many inputs the command will go through.</param>
    /// <param name="clock">elapsed time since the command started (tests pass their own).</param>
    /// <param name="interval">plain lines at most this often (default <see cref="DefaultInterval"/>).</param>
    public CliProgress(TextWriter? writer, bool interactive, int items, Func<TimeSpan>? clock = null, TimeSpan? interval = null)
    {
        _writer = writer; _interactive = interactive; _items = Math.Max(1, items);
        _interval = interval ?? DefaultInterval;
        if (clock is null)
        {
            var watch = Stopwatch.StartNew();
            clock = () => watch.Elapsed;
        }
        _clock = clock;
    }

    /// <summary>The command's progress: to its stderr unless <paramref name="quiet"/>; a bar when that is a terminal.</summary>
    public static CliProgress For(CliContext context, bool quiet, int items)
    {
        bool terminal = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
        return new CliProgress(quiet ? null : context.Error, terminal, items, interval: context.ProgressInterval);
    }

    /// <summary>The next input starts (the first call starts input 1).</summary>
    public void Next(string name)
    {
        _item = Math.Min(_item + 1, _items - 1);
        _name = name;
        _last = default;
        Render(force: true);
    }

    /// <summary>Progress within the current input.</summary>
    public void Report(WorkProgress value)
    {
        _last = value;
        Render(force: false);
    }

    /// <summary>Done with everything, in [0, 1]: finished inputs plus the current one's fraction.</summary>
    public double Fraction => Math.Clamp((Math.Max(0, _item) + _last.Fraction) / _items, 0, 1);

    /// <summary>A message of the command's own (e.g. "a -> b/") on stderr, without tearing the bar.</summary>
    public void Line(string text)
    {
        if (_writer is null) return;
        Clear();
        _writer.WriteLine(text);
    }

    /// <summary>The text of the progress line as it stands (what is drawn or printed).</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        double f = Fraction;
        var elapsed = _clock();
        string stage = _last.Total > 0 ? $"{_last.Stage} {_last.Done}/{_last.Total}" : _last.Stage is { Length: > 0 } s ? s : "starting";
        string item = _items > 1 ? $"{_item + 1}/{_items} " : "";
        // remaining = elapsed x (1 - f) / f, once there is something to go by
        string remaining = f > 0.001 && f < 1 ? Time(TimeSpan.FromSeconds(elapsed.TotalSeconds * (1 - f) / f)) : f >= 1 ? "0:00" : "?";
        string percent = string.Create(inv, $"{100 * f,3:0}%");
        if (_interactive)
        {
            int filled = (int)Math.Round(f * BarWidth);
            return $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {percent}  {item}{_name}  {stage}  elapsed {Time(elapsed)}  remaining {remaining}";
        }
        return $"progress {percent.Trim()}: {item}{_name}, {stage}; elapsed {Time(elapsed)}, remaining {remaining}";
    }

    private void Render(bool force)
    {
        if (_writer is null) return;
        var now = _clock();
        if (_interactive)
        {
            if (!force && now - _lastDraw < TimeSpan.FromMilliseconds(200) && _last.Done < _last.Total) return;
            _lastDraw = now;
            string text = Describe();
            _writer.Write("\r" + text + (text.Length < _drawn ? new string(' ', _drawn - text.Length) : ""));
            _writer.Flush();
            _drawn = text.Length;
        }
        else if (now - _lastLine >= _interval)
        {
            _lastLine = now;
            _writer.WriteLine(Describe());
        }
    }

    /// <summary>Takes the bar off the terminal before the command prints to stdout; the next report redraws it.</summary>
    public void Clear()
    {
        if (_writer is null || !_interactive || _drawn == 0) return;
        _writer.Write("\r" + new string(' ', _drawn) + "\r");
        _drawn = 0;
    }

    /// <summary>m:ss, or h:mm:ss from an hour on.</summary>
    internal static string Time(TimeSpan t) =>
        t.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");

    /// <summary>Ends the drawn line, so what follows starts on its own.</summary>
    public void Dispose()
    {
        if (_writer is not null && _interactive && _drawn > 0)
        {
            _writer.WriteLine();
            _drawn = 0;
        }
    }
}
