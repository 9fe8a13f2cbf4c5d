namespace LatentAudio.Codec;

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
        Windows = Build(frames, window, overlap);
    }

    public int Frames { get; }
    public int Window { get; }
    public int Overlap { get; }
    public IReadOnlyList<LatentWindow> Windows { get; }

    private static LatentWindow[] Build(int frames, int window, int overlap)
    {
        if (frames <= window) return [new LatentWindow(0, 0, frames, 0, frames)];
        int stride = window - overlap;
        int n = (int)((frames - window + (long)stride - 1) / stride) + 1;
        var starts = new int[n];
        for (int i = 0; i < n; i++) starts[i] = (int)((long)i * (frames - window) / (n - 1));
        var result = new LatentWindow[n];
        int ownedStart = 0;
        for (int i = 0; i < n; i++)
        {
            int end = starts[i] + window;
            int ownedEnd = i == n - 1 ? frames : (starts[i + 1] + end) / 2;
            result[i] = new LatentWindow(i, starts[i], end, ownedStart, ownedEnd);
            ownedStart = ownedEnd;
        }
        return result;
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
