using LatentAudio.Dsp;

namespace LatentAudio.Codec.Streaming;

/// <summary>
/// <see cref="Resampler"/> applied block by block: each block of output phases is computed from an input segment
/// that starts on a polyphase block boundary and reaches well past the filter's support on both sides (zero
/// padding only at the signal's true edges), so the output equals resampling the whole signal while only a few
/// thousand samples are held. Same rate: samples pass through untouched.
/// </summary>
internal sealed class BlockResampler
{
    private const int MinBatchInput = 1 << 16;
    private readonly Resampler? _resampler;
    private readonly int _orig, _new;
    private readonly long _marginBlocks;
    private readonly RollingSamples _input = new();
    private readonly Action<ReadOnlySpan<float>> _output;
    private long _nextBlock; // first output polyphase block not yet produced
    private bool _finished;

    public BlockResampler(int fromRate, int toRate, Action<ReadOnlySpan<float>> output)
    {
        _output = output;
        if (fromRate == toRate) return;
        _resampler = new Resampler(fromRate, toRate);
        int g = Gcd(fromRate, toRate);
        _orig = fromRate / g;
        _new = toRate / g;
        // Resampler's half-support in input samples is ceil(width·orig / (min(orig, new)·rolloff)); a generous margin
        double half = Resampler.DefaultLowpassFilterWidth * (double)_orig / (Math.Min(_orig, _new) * Resampler.DefaultRolloff);
        _marginBlocks = (long)Math.Ceiling((half + 2) / _orig) + 1;
    }

    public void Push(ReadOnlySpan<float> samples)
    {
        if (_finished) throw new InvalidOperationException("already finished");
        if (_resampler is null) { _output(samples); return; }
        _input.Append(samples);
        long readyBlocks = _input.End / _orig - _marginBlocks; // blocks whose support lies inside what arrived
        if (readyBlocks - _nextBlock >= Math.Max(1, MinBatchInput / _orig)) Produce(readyBlocks, atEnd: false);
    }

    /// <summary>The input is complete: produces the remaining outputs (the signal is zero beyond its end).</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        if (_resampler is null) return;
        Produce(long.MaxValue, atEnd: true);
    }

    private void Produce(long untilBlock, bool atEnd)
    {
        long total = _input.End;
        long segStartBlock = Math.Max(0, _nextBlock - _marginBlocks);
        long segStart = segStartBlock * _orig;
        long segEnd = atEnd ? total : Math.Min(total, (untilBlock + _marginBlocks) * _orig);
        var outputs = _resampler!.Process(_input.Slice(segStart, segEnd));
        long first = (_nextBlock - segStartBlock) * _new;
        long last = atEnd ? outputs.Length : Math.Min(outputs.Length, (untilBlock - segStartBlock) * _new);
        if (last > first) _output(outputs.AsSpan((int)first, (int)(last - first)));
        if (!atEnd)
        {
            _nextBlock = untilBlock;
            _input.DropBefore(Math.Max(0, _nextBlock - _marginBlocks) * _orig);
        }
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
