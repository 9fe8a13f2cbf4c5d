namespace LatentAudio.Dsp;

/// <summary>
/// <see cref="Resampler"/> over a signal that arrives in blocks: push input as it is decoded, pull every output
/// sample whose kernel support has arrived, then <see cref="Complete"/> to flush the tail. Output equals
/// <see cref="Resampler.Process"/> of the whole signal sample for sample, in memory bounded by the block size and
/// the kernel length (an hour of audio is never held).
/// </summary>
public sealed class StreamingResampler
{
    private readonly Resampler _design;
    private double[] _buffer = new double[1024];
    private long _bufferStart;   // input index of _buffer[0]
    private int _buffered;       // valid samples in _buffer
    private long _pushed;        // input samples seen
    private long _nextOutput;
    private bool _complete;

    public StreamingResampler(Resampler design) => _design = design;

    public StreamingResampler(int fromRate, int toRate) : this(new Resampler(fromRate, toRate)) { }

    public void Push(ReadOnlySpan<float> input)
    {
        if (_complete) throw new InvalidOperationException("input already completed");
        Discard();
        if (_buffered + input.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _buffered + input.Length));
        var dst = _buffer.AsSpan(_buffered, input.Length);
        for (int i = 0; i < input.Length; i++) dst[i] = input[i];
        _buffered += input.Length;
        _pushed += input.Length;
    }

    /// <summary>Marks the end of the input: the remaining outputs (zero padding past the end) become available.</summary>
    public void Complete() => _complete = true;

    /// <summary>Total output length once complete (torchaudio's ceil(N * to / from)).</summary>
    public long TotalOutput => _design.OutputLength(_pushed);

    /// <summary>Writes the outputs that are ready into <paramref name="destination"/>; returns how many.</summary>
    public int Pull(Span<float> destination)
    {
        int n = 0;
        if (_design.IsIdentity)
        {
            n = (int)Math.Min(destination.Length, _pushed - _nextOutput);
            for (int i = 0; i < n; i++) destination[i] = (float)_buffer[_nextOutput - _bufferStart + i];
            _nextOutput += n;
            return n;
        }
        long limit = _complete ? TotalOutput : long.MaxValue;
        while (n < destination.Length && _nextOutput < limit)
        {
            if (!_complete && _design.EndInput(_nextOutput) > _pushed) break;
            destination[n++] = _design.OutputSample(_nextOutput, _buffer.AsSpan(0, _buffered), _bufferStart, _complete ? _pushed : long.MaxValue);
            _nextOutput++;
        }
        return n;
    }

    /// <summary>Drops buffered input no future output reads.</summary>
    private void Discard()
    {
        long keepFrom = _design.IsIdentity ? _nextOutput : Math.Max(0, _design.FirstInput(_nextOutput));
        int drop = (int)Math.Clamp(keepFrom - _bufferStart, 0, _buffered);
        if (drop == 0) return;
        _buffer.AsSpan(drop, _buffered - drop).CopyTo(_buffer);
        _buffered -= drop;
        _bufferStart += drop;
    }
}
