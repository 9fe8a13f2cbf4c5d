using System.Diagnostics;

namespace LatentAudio.Reconstruction;

/// <summary>Seconds spent per named stage, summed over windows and channels.</summary>
public sealed class StageTimer
{
    private readonly Dictionary<string, double> _seconds = new();
    private readonly List<string> _order = new();

    public T Time<T>(string stage, Func<T> work)
    {
        var sw = Stopwatch.StartNew();
        try { return work(); }
        finally { Add(stage, sw.Elapsed.TotalSeconds); }
    }

    public void Time(string stage, Action work) => Time(stage, () => { work(); return 0; });

    public void Add(string stage, double seconds)
    {
        if (!_seconds.ContainsKey(stage)) { _seconds[stage] = 0; _order.Add(stage); }
        _seconds[stage] += seconds;
    }

    /// <summary>Seconds so far in <paramref name="stage"/> (0 before its first use).</summary>
    public double Seconds(string stage) => _seconds.GetValueOrDefault(stage);

    public IReadOnlyList<KeyValuePair<string, double>> Stages => _order.Select(s => new KeyValuePair<string, double>(s, _seconds[s])).ToList();
    public double Total => _seconds.Values.Sum();
}
