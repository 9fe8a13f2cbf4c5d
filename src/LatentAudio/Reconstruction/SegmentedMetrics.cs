using LatentAudio.Engine;
using LatentAudio.Metrics;
using LatentAudio.Models.AudioLdm;

namespace LatentAudio.Reconstruction;

/// <summary>
/// Scores every output against the input while the samples stream past, in consecutive segments of equal length
/// (at most <see cref="MaxSegmentSeconds"/>), so that an hour-long input is scored in bounded memory. An input no
/// longer than one segment is scored whole, exactly as before; longer ones report the duration-weighted mean over
/// segments (and say so). Channels are averaged, as for a short input. Every segment of every channel is one part of
/// the mean: a part without a value is left out and counted (<see cref="MetricOutcome.Mean"/>), so a metric that
/// worked on some parts only is marked partial with its coverage, and one that worked nowhere keeps the reasons.
/// <para>
/// Figures that depend on absolute level (<see cref="MetricInfo.LevelDependent"/>: loudness) are measured in
/// <see cref="LevelDomain"/>: given the input's levels, on the files' signals (the input as read, each output with the
/// front-end's normalisation undone, <see cref="NormalizedAudio.Restore(ReadOnlySpan{float}, double, double, Span{float})"/>),
/// so a file of dither at -90 dBFS is not reported at the model's peak-0.5 loudness; otherwise on the model's. Every
/// other figure compares the model-domain pair, as the model saw the input.
/// </para>
/// </summary>
public sealed class SegmentedMetrics
{
    /// <summary>
    /// 10.24 s, the model's window: far longer than any metric's own context (STOI 384 ms, PESQ/ViSQOL a few
    /// seconds), and short enough to bound memory (every metric on a 30 s pair holds over 400 MB live, ViSQOL's
    /// 48 kHz spectrograms and the multi-scale STFT caches mostly; measured with DOTNET_GCHeapHardLimit).
    /// </summary>
    public const double MaxSegmentSeconds = 10.24;

    private readonly PairMetrics _metrics;
    private readonly int _rate, _channels;
    private readonly IReadOnlyList<string> _names;
    private readonly long[] _boundaries;
    private readonly float[][] _reference;               // [channel]
    private readonly float[][]? _fileReference;          // [channel], the input as read; null in the model domain
    private readonly IReadOnlyList<StreamLevel>? _fileLevels;
    private readonly Dictionary<string, float[][]> _outputs; // name -> [channel]
    private readonly Dictionary<string, Dictionary<string, List<(MetricOutcome Outcome, double Seconds)>>> _parts; // name -> key -> parts
    private int _segment;
    private int _filled;

    /// <param name="fileLevels">The input's levels per channel (as the front-end measured them): level-dependent figures
    /// are then measured on the files' signals; null measures them in the model's domain.</param>
    public SegmentedMetrics(PairMetrics metrics, IReadOnlyList<string> outputNames, int channels, long totalSamples, int sampleRate,
        IReadOnlyList<StreamLevel>? fileLevels = null)
    {
        _metrics = metrics; _names = outputNames; _channels = channels; _rate = sampleRate; _fileLevels = fileLevels;
        if (fileLevels is not null && fileLevels.Count != channels) throw new ArgumentException("one level per channel", nameof(fileLevels));
        long max = (long)(MaxSegmentSeconds * sampleRate);
        int segments = (int)Math.Max(1, (totalSamples + max - 1) / max);
        _boundaries = Enumerable.Range(0, segments + 1).Select(i => totalSamples * i / segments).ToArray();
        int longest = (int)Enumerable.Range(0, segments).Max(i => _boundaries[i + 1] - _boundaries[i]);
        _reference = Alloc(channels, longest);
        _fileReference = fileLevels is null ? null : Alloc(channels, longest);
        _outputs = outputNames.ToDictionary(n => n, _ => Alloc(channels, longest));
        _parts = outputNames.ToDictionary(n => n, _ => new Dictionary<string, List<(MetricOutcome, double)>>());
    }

    public int Segments => _boundaries.Length - 1;
    public double SegmentSeconds => (double)(_boundaries[1] - _boundaries[0]) / _rate;

    /// <summary>Where the level-dependent figures are measured.</summary>
    public LevelDomain LevelDomain => _fileLevels is null ? LevelDomain.Model : LevelDomain.File;

    /// <summary>
    /// Adds the next <paramref name="count"/> samples: the normalised input per channel and each output per channel
    /// (model domain), all starting at the same position; in the file domain also the input as read
    /// (<paramref name="fileReference"/>, un-normalised, same rate and position).
    /// </summary>
    public void Add(IReadOnlyList<float[]> reference, IReadOnlyDictionary<string, float[][]> outputs, int offset, int count,
        IReadOnlyList<float[]>? fileReference = null)
    {
        if (_fileReference is not null && fileReference is null) throw new ArgumentException("the file domain needs the input as read", nameof(fileReference));
        while (count > 0)
        {
            int segLength = (int)(_boundaries[_segment + 1] - _boundaries[_segment]);
            int take = Math.Min(count, segLength - _filled);
            for (int c = 0; c < _channels; c++)
            {
                reference[c].AsSpan(offset, take).CopyTo(_reference[c].AsSpan(_filled));
                if (_fileReference is not null) fileReference![c].AsSpan(offset, take).CopyTo(_fileReference[c].AsSpan(_filled));
                foreach (var n in _names) outputs[n][c].AsSpan(offset, take).CopyTo(_outputs[n][c].AsSpan(_filled));
            }
            _filled += take; offset += take; count -= take;
            if (_filled == segLength) ScoreSegment(segLength);
        }
    }

    /// <summary>Per output, each metric's duration-weighted mean over segments and channels with its coverage; no value
    /// (and the parts' reasons) where no part had one.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricOutcome>> Result()
    {
        if (_segment != Segments) throw new InvalidOperationException($"only {_segment} of {Segments} segments were scored");
        return _names.ToDictionary(n => n, n => (IReadOnlyDictionary<string, MetricOutcome>)_parts[n].ToDictionary(
            kv => kv.Key, kv => MetricOutcome.Mean(kv.Value)));
    }

    private void ScoreSegment(int length)
    {
        // A channel's share of the segment: a value on one of two channels covers half its duration.
        double seconds = (double)length / _rate / _channels;
        foreach (var n in _names)
        {
            var perChannel = Enumerable.Range(0, _channels).Select(c => Score(n, c, length)).ToList();
            var parts = _parts[n];
            foreach (var key in parts.Keys.Concat(perChannel.SelectMany(m => m.Keys)).Distinct().ToList())
            {
                if (!parts.TryGetValue(key, out var list))
                {
                    // First seen after some segments: those segments had no value for it either.
                    parts[key] = list = [];
                    for (int i = 0; i < _segment * _channels; i++)
                        list.Add((MetricOutcome.Unavailable("not returned for this segment"), (double)(_boundaries[i / _channels + 1] - _boundaries[i / _channels]) / _rate / _channels));
                }
                foreach (var m in perChannel)
                    list.Add((m.TryGetValue(key, out var o) ? o : MetricOutcome.Unavailable("not returned for this segment"), seconds));
            }
        }
        _segment++;
        _filled = 0;
    }

    /// <summary>One channel of one output: every figure on the model-domain pair, the level-dependent ones again on the
    /// files' pair in the file domain.</summary>
    private IReadOnlyDictionary<string, MetricOutcome> Score(string name, int c, int length)
    {
        var degraded = _outputs[name][c].AsSpan(0, length);
        var outcomes = _metrics(_reference[c].AsSpan(0, length).ToArray(), degraded.ToArray(), _rate);
        if (_fileReference is null) return outcomes;
        var levelKeys = outcomes.Keys.Where(k => MetricRegistry.Find(k)?.Info.LevelDependent == true).ToList();
        if (levelKeys.Count == 0) return outcomes;
        var restored = new float[length];
        NormalizedAudio.Restore(degraded, _fileLevels![c].Mean, _fileLevels[c].Scale, restored);
        var level = ReconstructionMetrics.Create(levelKeys)(_fileReference[c].AsSpan(0, length).ToArray(), restored, _rate);
        var merged = new Dictionary<string, MetricOutcome>(outcomes);
        foreach (var key in levelKeys) merged[key] = level[key];
        return merged;
    }

    private static float[][] Alloc(int channels, int length) =>
        Enumerable.Range(0, channels).Select(_ => new float[length]).ToArray();
}
