namespace LatentAudio.Reconstruction;

/// <summary>
/// Joins the outputs of overlapping windows into one signal, streaming: windows are added in order of start and the
/// samples no later window can touch are emitted, so only one window's worth is ever held. Over each overlap the two
/// windows are blended with cos/sin (equal-power) gains, renormalised by the overlap's measured correlation rho so
/// that the sum keeps its power whether the two renderings are independent (rho = 0: plain equal-power) or
/// identical (rho = 1: the gains then sum to one in amplitude). Plain equal-power would raise a coherent signal by
/// 3 dB mid-fade and a linear fade would dip an incoherent one by 3 dB; a regenerated-phase vocoder gives anything
/// in between.
/// </summary>
public sealed class Crossfader
{
    private readonly float[] _pending; // samples [_emitted, _writtenEnd)
    private long _emitted, _writtenEnd;

    /// <param name="windowSamples">The longest window that will be added.</param>
    public Crossfader(int windowSamples) => _pending = new float[Math.Max(1, windowSamples)];

    /// <summary>Samples emitted so far: [0, Emitted) is final.</summary>
    public long Emitted => _emitted;

    /// <summary>Adds a window's rendering; windows must come in order of start and leave no gap.</summary>
    public void Add(AudioWindow window, ReadOnlySpan<float> rendering)
    {
        if (rendering.Length != window.Length) throw new ArgumentException("rendering length differs from the window");
        if (window.Start < _emitted) throw new InvalidOperationException("window starts inside samples already emitted");
        if (window.Start > _writtenEnd) throw new InvalidOperationException("windows leave a gap");
        if (window.End - _emitted > _pending.Length) throw new InvalidOperationException("window longer than the crossfader holds");
        long overlapEnd = Math.Min(_writtenEnd, window.End);
        int overlap = (int)Math.Max(0, overlapEnd - window.Start);
        int at = (int)(window.Start - _emitted);
        if (overlap > 0) Blend(_pending.AsSpan(at, overlap), rendering[..overlap]);
        rendering[overlap..].CopyTo(_pending.AsSpan(at + overlap));
        _writtenEnd = Math.Max(_writtenEnd, window.End);
    }

    /// <summary>Moves the final samples [Emitted, upTo) into <paramref name="destination"/>; returns how many.</summary>
    public int Emit(long upTo, Span<float> destination)
    {
        if (upTo < _emitted || upTo > _writtenEnd) throw new ArgumentOutOfRangeException(nameof(upTo));
        int n = (int)(upTo - _emitted);
        _pending.AsSpan(0, n).CopyTo(destination);
        _pending.AsSpan(n, (int)(_writtenEnd - upTo)).CopyTo(_pending);
        _emitted = upTo;
        return n;
    }

    private static void Blend(Span<float> previous, ReadOnlySpan<float> next)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < previous.Length; i++)
        {
            ab += (double)previous[i] * next[i]; aa += (double)previous[i] * previous[i]; bb += (double)next[i] * next[i];
        }
        double rho = aa > 0 && bb > 0 ? Math.Clamp(ab / Math.Sqrt(aa * bb), 0, 1) : 0;
        int n = previous.Length;
        for (int i = 0; i < n; i++)
        {
            double t = (i + 0.5) / n;
            double ga = Math.Cos(0.5 * Math.PI * t), gb = Math.Sin(0.5 * Math.PI * t);
            double norm = Math.Sqrt(ga * ga + gb * gb + 2 * rho * ga * gb);
            previous[i] = (float)((ga * previous[i] + gb * next[i]) / norm);
        }
    }
}
