namespace LatentAudio.Dsp;

/// <summary>
/// numpy's float32 pairwise sum (numpy/core/src/umath/loops_utils.h.src pairwise_sum) of a signal of known length
/// fed in pieces: the same recursion as <see cref="NumpyFloat32.PairwiseSum"/>, walked leaf by leaf with an explicit
/// stack (depth ~log2(n / 128)), so the result is bit-identical without holding the signal.
/// </summary>
public sealed class StreamingPairwiseSum
{
    private const int BlockSize = 128; // PW_BLOCKSIZE
    private readonly Stack<Frame> _pending = new();
    private readonly float[] _leaf = new float[BlockSize];
    private long _leafStart, _leafEnd;
    private int _filled;
    private float? _result;

    /// <summary>An ancestor range [.., Hi) split at Mid: while InRight is false the right half [Mid, Hi) is still to come.</summary>
    private sealed class Frame(long mid, long hi)
    {
        public long Mid { get; } = mid;
        public long Hi { get; } = hi;
        public bool InRight { get; set; }
        public float Left { get; set; }
    }

    public StreamingPairwiseSum(long length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        Length = length;
        if (length == 0) _result = 0f;
        else Descend(0, length);
    }

    public long Length { get; }
    public long Count { get; private set; }

    public void Add(ReadOnlySpan<float> x)
    {
        Count += x.Length;
        if (Count > Length) throw new InvalidOperationException($"more than the announced {Length} samples");
        while (!x.IsEmpty)
        {
            int take = (int)Math.Min(x.Length, _leafEnd - _leafStart - _filled);
            x[..take].CopyTo(_leaf.AsSpan(_filled));
            _filled += take;
            x = x[take..];
            if (_filled == _leafEnd - _leafStart) CompleteLeaf();
        }
    }

    /// <summary>The sum; throws unless exactly <see cref="Length"/> samples were added.</summary>
    public float Result() => _result ?? throw new InvalidOperationException($"only {Count} of {Length} samples were added");

    private void Descend(long lo, long hi)
    {
        while (hi - lo > BlockSize)
        {
            long n2 = (hi - lo) / 2;
            n2 -= n2 % 8;
            _pending.Push(new Frame(lo + n2, hi));
            hi = lo + n2;
        }
        _leafStart = lo; _leafEnd = hi; _filled = 0;
    }

    private void CompleteLeaf()
    {
        float v = NumpyFloat32.PairwiseSum(_leaf.AsSpan(0, _filled));
        while (_pending.Count > 0)
        {
            var top = _pending.Peek();
            if (!top.InRight)
            {
                top.Left = v;
                top.InRight = true;
                Descend(top.Mid, top.Hi);
                return;
            }
            _pending.Pop();
            v = top.Left + v;
        }
        _result = v;
    }
}
