namespace LatentAudio.Reconstruction;

/// <summary>
/// Joins the outputs of overlapping windows into one signal. Over each overlap the two windows are blended with
/// cos/sin (equal-power) gains, renormalised by the overlap's measured correlation rho so that the sum keeps its
/// power whether the two renderings are independent (rho = 0: plain equal-power) or identical (rho = 1: the
/// gains then sum to one in amplitude). Plain equal-power would raise a coherent signal by 3 dB mid-fade and a
/// linear fade would dip an incoherent one by 3 dB; a regenerated-phase vocoder gives anything in between.
/// </summary>
public sealed class Crossfader
{
    private readonly float[] _output;
    private long _writtenEnd;

    public Crossfader(long totalSamples) => _output = new float[totalSamples];

    public float[] Output => _output;

    /// <summary>Adds a window's rendering; windows must come in order of start.</summary>
    public void Add(AudioWindow window, ReadOnlySpan<float> rendering)
    {
        if (rendering.Length != window.Length) throw new ArgumentException("rendering length differs from the window");
        long overlapEnd = Math.Min(_writtenEnd, window.End);
        int overlap = (int)Math.Max(0, overlapEnd - window.Start);
        if (overlap > 0) Blend(_output.AsSpan((int)window.Start, overlap), rendering[..overlap]);
        rendering[overlap..].CopyTo(_output.AsSpan((int)(window.Start + overlap)));
        _writtenEnd = Math.Max(_writtenEnd, window.End);
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
