namespace LatentAudio.Reconstruction;

/// <summary>
/// Scores every output against the input while the samples stream past, in consecutive segments of equal length
/// (at most <see cref="MaxSegmentSeconds"/>), so that an hour-long input is scored in bounded memory. An input no
/// longer than one segment is scored whole, exactly as before; longer ones report the duration-weighted mean over
/// segments (and say so). Channels are averaged, as for a short input.
/// </summary>
public sealed class SegmentedMetrics
{
    /// <summary>
    /// 30 s: far longer than any metric's own context (STOI 384 ms, PESQ/ViSQOL a few seconds), short enough that the
    /// STFT caches of the multi-scale distances (ten settings, two signals, float64) stay around 100 MB.
    /// </summary>
    public const double MaxSegmentSeconds = 30;

    private readonly PairMetrics _metrics;
    private readonly int _rate, _channels;
    private readonly IReadOnlyList<string> _names;
    private readonly long[] _boundaries;
    private readonly float[][] _reference;               // [channel]
    private readonly Dictionary<string, float[][]> _outputs; // name -> [channel]
    private readonly Dictionary<string, Dictionary<string, (double Sum, double Weight)>> _totals;
    private int _segment;
    private int _filled;

    public SegmentedMetrics(PairMetrics metrics, IReadOnlyList<string> outputNames, int channels, long totalSamples, int sampleRate)
    {
        _metrics = metrics; _names = outputNames; _channels = channels; _rate = sampleRate;
        long max = (long)(MaxSegmentSeconds * sampleRate);
        int segments = (int)Math.Max(1, (totalSamples + max - 1) / max);
        _boundaries = Enumerable.Range(0, segments + 1).Select(i => totalSamples * i / segments).ToArray();
        int longest = (int)Enumerable.Range(0, segments).Max(i => _boundaries[i + 1] - _boundaries[i]);
        _reference = Alloc(channels, longest);
        _outputs = outputNames.ToDictionary(n => n, _ => Alloc(channels, longest));
        _totals = outputNames.ToDictionary(n => n, _ => new Dictionary<string, (double, double)>());
    }

    public int Segments => _boundaries.Length - 1;
    public double SegmentSeconds => (double)(_boundaries[1] - _boundaries[0]) / _rate;

    /// <summary>
    /// Adds the next <paramref name="count"/> samples: the normalised input per channel and each output per channel
    /// (model domain), all starting at the same position.
    /// </summary>
    public void Add(IReadOnlyList<float[]> reference, IReadOnlyDictionary<string, float[][]> outputs, int offset, int count)
    {
        while (count > 0)
        {
            int segLength = (int)(_boundaries[_segment + 1] - _boundaries[_segment]);
            int take = Math.Min(count, segLength - _filled);
            for (int c = 0; c < _channels; c++)
            {
                reference[c].AsSpan(offset, take).CopyTo(_reference[c].AsSpan(_filled));
                foreach (var n in _names) outputs[n][c].AsSpan(offset, take).CopyTo(_outputs[n][c].AsSpan(_filled));
            }
            _filled += take; offset += take; count -= take;
            if (_filled == segLength) ScoreSegment(segLength);
        }
    }

    /// <summary>Per output, each metric's mean over channels and segments (NaN where no segment had a value).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Result()
    {
        if (_segment != Segments) throw new InvalidOperationException($"only {_segment} of {Segments} segments were scored");
        return _names.ToDictionary(n => n, n => (IReadOnlyDictionary<string, double>)_totals[n].ToDictionary(
            kv => kv.Key, kv => kv.Value.Weight > 0 ? kv.Value.Sum / kv.Value.Weight : double.NaN));
    }

    private void ScoreSegment(int length)
    {
        foreach (var n in _names)
        {
            var perChannel = Enumerable.Range(0, _channels)
                .Select(c => _metrics(_reference[c].AsSpan(0, length).ToArray(), _outputs[n][c].AsSpan(0, length).ToArray(), _rate))
                .ToList();
            var totals = _totals[n];
            foreach (var key in perChannel.SelectMany(m => m.Keys).Distinct())
            {
                // A metric the standard refuses on this segment (NaN) is left out of the mean rather than poisoning it;
                // the key is kept so that it still shows, as NaN, when no segment had a value.
                var values = perChannel.Select(m => m.TryGetValue(key, out var v) ? v : double.NaN).ToList();
                double mean = values.Average();
                var (sum, weight) = totals.GetValueOrDefault(key);
                totals[key] = double.IsNaN(mean) ? (sum, weight) : (sum + mean * length, weight + length);
            }
        }
        _segment++;
        _filled = 0;
    }

    private static float[][] Alloc(int channels, int length) =>
        Enumerable.Range(0, channels).Select(_ => new float[length]).ToArray();
}
