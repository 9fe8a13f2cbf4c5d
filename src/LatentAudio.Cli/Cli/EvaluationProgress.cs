using System.Diagnostics;
using System.Globalization;

namespace LatentAudio.Cli;

/// <summary>
/// The progress of <c>evaluate</c> on stderr: a plain line per finished item (a study runs for hours, mostly in
/// logs: Slurm's, a pod's), with items done / total over the shard (resumed items included), the rate of this
/// process in items per hour, the time remaining at that rate, and the failures so far.
/// </summary>
public sealed class EvaluationProgress
{
    private readonly TextWriter _writer;
    private readonly int _total;
    private readonly Func<TimeSpan> _clock;
    private int _done, _run, _failed;

    /// <param name="total">the shard's items.</param>
    /// <param name="resumed">items already complete (a resumed run): done, but not part of the rate.</param>
    /// <param name="failed">failures among the resumed items.</param>
    /// <param name="clock">time since the first item started (tests pass their own).</param>
    public EvaluationProgress(TextWriter writer, int total, int resumed = 0, int failed = 0, Func<TimeSpan>? clock = null)
    {
        _writer = writer; _total = total; _done = resumed; _failed = failed;
        if (clock is null)
        {
            var watch = Stopwatch.StartNew();
            clock = () => watch.Elapsed;
        }
        _clock = clock;
    }

    public int Failed => _failed;

    /// <summary>Item <paramref name="id"/> is done (<paramref name="failure"/>: why it failed, or null); prints and returns its line.</summary>
    public string ItemDone(string id, string? failure)
    {
        _done++; _run++;
        if (failure is not null) _failed++;
        double seconds = Math.Max(_clock().TotalSeconds, 1e-9), rate = _run / seconds;
        var left = TimeSpan.FromSeconds(Math.Round((_total - _done) / rate));
        string line = string.Create(CultureInfo.InvariantCulture,
            $"[{_done}/{_total}] {id}: {(failure is null ? "ok" : "FAILED: " + failure)}; {rate * 3600:0.#} items/h, {CliProgress.Time(left)} left, {_failed} failed");
        _writer.WriteLine(line);
        return line;
    }
}
