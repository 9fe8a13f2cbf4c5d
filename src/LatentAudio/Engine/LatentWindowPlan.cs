namespace LatentAudio.Engine;

/// <summary>
/// One coding window in latent frames: the VAE sees [Start, End) (its context), the file stores only
/// [OwnedStart, OwnedEnd). Owned ranges tile the whole latent exactly once, so overlap costs no stored bits.
/// </summary>
public sealed record LatentWindow(int Index, int Start, int End, int OwnedStart, int OwnedEnd)
{
    public int Length => End - Start;
    public int OwnedLength => OwnedEnd - OwnedStart;
}

/// <summary>
/// Splits a latent of <c>frames</c> frames into windows of at most <c>window</c> frames overlapping by at least
/// <c>overlap</c>. Every window is full length when the input is longer than one window; starts are spread evenly
/// (first at 0, last ending at the end), so no short tail window is run through the VAE (it was trained on
/// 1024-frame inputs, notes/codec-and-cli-lessons.md §3). Each overlap is split at its middle between the two
/// windows' owned ranges.
/// </summary>
public sealed class LatentWindowPlan
{
    /// <summary>AudioLDM2 training length: 1024 mel frames (10.24 s) = 256 latent frames.</summary>
    public const int DefaultWindowMelFrames = 1024;
    /// <summary>1.28 s at 100 mel frames/s.</summary>
    public const int DefaultOverlapMelFrames = 128;

    public LatentWindowPlan(int frames, int window, int overlap)
    {
        if (frames <= 0) throw new ArgumentOutOfRangeException(nameof(frames), "nothing to code");
        if (window <= 0) throw new ArgumentOutOfRangeException(nameof(window));
        if (overlap < 0 || overlap >= window) throw new ArgumentOutOfRangeException(nameof(overlap), "overlap must be in [0, window)");
        Frames = frames;
        Window = window;
        Overlap = overlap;
        Windows = new PlannedWindows(frames, window, overlap);
    }

    public int Frames { get; }
    public int Window { get; }
    public int Overlap { get; }
    /// <summary>The windows, computed on access (a file's header may plan millions; none is stored).</summary>
    public IReadOnlyList<LatentWindow> Windows { get; }
    /// <summary>Length of the longest window (all have this length when there is more than one).</summary>
    public int MaxLength => Math.Min(Frames, Window);

    /// <summary>Window i from the closed-form starts s_i = floor(i·(F − W)/(n − 1)) (docs/format.md §3.1).</summary>
    private sealed class PlannedWindows : IReadOnlyList<LatentWindow>
    {
        private readonly int _frames, _window, _count;

        public PlannedWindows(int frames, int window, int overlap)
        {
            _frames = frames; _window = window;
            int stride = window - overlap;
            _count = frames <= window ? 1 : (int)((frames - window + (long)stride - 1) / stride) + 1;
        }

        public int Count => _count;

        public LatentWindow this[int i]
        {
            get
            {
                if ((uint)i >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(i));
                if (_count == 1) return new LatentWindow(0, 0, _frames, 0, _frames);
                int start = Start(i);
                long end = (long)start + _window;
                int ownedStart = i == 0 ? 0 : (int)(((long)start + Start(i - 1) + _window) / 2);
                int ownedEnd = i == _count - 1 ? _frames : (int)(((long)Start(i + 1) + end) / 2);
                return new LatentWindow(i, start, (int)end, ownedStart, ownedEnd);
            }
        }

        private int Start(int i) => (int)((long)i * (_frames - _window) / (_count - 1));

        public IEnumerator<LatentWindow> GetEnumerator()
        {
            for (int i = 0; i < _count; i++) yield return this[i];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Cross-fade weight of window <paramref name="w"/> at frame t (any unit, scaled by <paramref name="unit"/>
    /// frames per latent frame): 1 in its middle, linear ramps across its overlaps with the neighbours.
    /// The decoder divides by the sum of weights, so any number of overlapping windows blends correctly.
    /// </summary>
    public double Weight(LatentWindow w, int t, int unit)
    {
        int s = w.Start * unit, e = w.End * unit;
        double weight = 1;
        if (w.Index > 0)
        {
            int rampIn = Windows[w.Index - 1].End * unit - s;
            if (rampIn > 0) weight = Math.Min(weight, (t - s + 0.5) / rampIn);
        }
        if (w.Index < Windows.Count - 1)
        {
            int rampOut = e - Windows[w.Index + 1].Start * unit;
            if (rampOut > 0) weight = Math.Min(weight, (e - t - 0.5) / rampOut);
        }
        return weight;
    }
}
