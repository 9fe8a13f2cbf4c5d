namespace LatentAudio.Engine;

/// <summary>
/// A window onto a long signal: samples [Start, End) by absolute index, appended at the end and dropped from the
/// front, so memory follows what is still needed rather than the signal's length.
/// </summary>
internal sealed class RollingSamples
{
    private float[] _data = new float[1024];
    private int _offset, _count;

    /// <summary>Absolute index of the first sample held.</summary>
    public long Start { get; private set; }
    /// <summary>Absolute index one past the last sample held (= samples appended so far).</summary>
    public long End => Start + _count;
    public int Count => _count;

    public void Append(ReadOnlySpan<float> samples)
    {
        if (_offset + _count + samples.Length > _data.Length)
        {
            int need = _count + samples.Length;
            var target = need > _data.Length / 2 ? new float[Math.Max(need, _data.Length * 2)] : _data;
            Array.Copy(_data, _offset, target, 0, _count);
            _data = target;
            _offset = 0;
        }
        samples.CopyTo(_data.AsSpan(_offset + _count));
        _count += samples.Length;
    }

    /// <summary>Appends <paramref name="count"/> zeros.</summary>
    public void AppendZeros(int count)
    {
        Append(new float[count]);
    }

    /// <summary>Forgets every sample before <paramref name="absolute"/>.</summary>
    public void DropBefore(long absolute)
    {
        int drop = (int)Math.Clamp(absolute - Start, 0, _count);
        _offset += drop;
        _count -= drop;
        Start += drop;
        if (_count == 0) _offset = 0;
    }

    /// <summary>Samples [from, to) by absolute index; they must be held.</summary>
    public ReadOnlySpan<float> Slice(long from, long to)
    {
        if (from < Start || to > End || to < from) throw new ArgumentOutOfRangeException(nameof(from), $"[{from}, {to}) is not within the held [{Start}, {End})");
        return _data.AsSpan(_offset + (int)(from - Start), (int)(to - from));
    }
}
