using LatentAudio.Dsp;

namespace LatentAudio.Codec.FrontEnd;

/// <summary>
/// numpy's float32 pairwise sum (<see cref="NumpyFloat32.PairwiseSum"/>) of a signal whose length is known but
/// whose samples arrive block by block: the same split tree (halves rounded down to a multiple of 8, leaves of at
/// most 128), the same leaf sums and the same additions, so the result is bit-identical to summing the whole array,
/// with at most 128 samples and one partial sum per tree level held.
/// </summary>
internal sealed class StreamingPairwiseSum
{
    private const int Leaf = 128; // numpy PW_BLOCKSIZE
    private readonly IEnumerator<long> _ops; // > 0: a leaf of that many samples; 0: add the two sums on top
    private readonly Stack<float> _sums = new();
    private readonly float[] _leaf = new float[Leaf];
    private readonly long _total;
    private int _leafLength, _leafFill;
    private long _seen;

    public StreamingPairwiseSum(long total)
    {
        if (total < 0) throw new ArgumentOutOfRangeException(nameof(total));
        _total = total;
        _ops = Ops(total).GetEnumerator();
        NextLeaf();
    }

    public void Add(ReadOnlySpan<float> samples)
    {
        if (_seen + samples.Length > _total) throw new InvalidOperationException($"more than the announced {_total} samples");
        _seen += samples.Length;
        while (samples.Length > 0)
        {
            int take = Math.Min(samples.Length, _leafLength - _leafFill);
            samples[..take].CopyTo(_leaf.AsSpan(_leafFill));
            _leafFill += take;
            samples = samples[take..];
            if (_leafFill == _leafLength)
            {
                _sums.Push(NumpyFloat32.PairwiseSum(_leaf.AsSpan(0, _leafLength)));
                NextLeaf();
            }
        }
    }

    public float Sum()
    {
        if (_seen != _total) throw new InvalidOperationException($"got {_seen} of the announced {_total} samples");
        return _total == 0 ? 0f : _sums.Peek();
    }

    /// <summary>Runs the pending additions, then stops at the next leaf (or the end).</summary>
    private void NextLeaf()
    {
        _leafFill = 0;
        _leafLength = 0;
        while (_ops.MoveNext())
        {
            if (_ops.Current > 0) { _leafLength = (int)_ops.Current; return; }
            float right = _sums.Pop(), left = _sums.Pop();
            _sums.Push(left + right);
        }
    }

    /// <summary>The post-order of numpy's recursion: leaves left to right, each addition after both its halves.</summary>
    private static IEnumerable<long> Ops(long n)
    {
        if (n == 0) yield break;
        if (n <= Leaf) { yield return n; yield break; }
        long n2 = n / 2;
        n2 -= n2 % 8;
        foreach (var op in Ops(n2)) yield return op;
        foreach (var op in Ops(n - n2)) yield return op;
        yield return 0;
    }
}
