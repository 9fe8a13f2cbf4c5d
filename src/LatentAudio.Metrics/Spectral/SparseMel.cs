using LatentAudio.Dsp;

namespace LatentAudio.Metrics.Spectral;

/// <summary>
/// A librosa mel filterbank (<see cref="MelFilterbank"/>) stored as each band's non-zero bin range, so that
/// projecting a spectrogram costs the filters' support instead of bands x bins.
/// </summary>
public sealed class SparseMel
{
    private readonly int[] _start;
    private readonly double[][] _weights;

    public SparseMel(int sampleRate, int nFft, int nMels, double fMin = 0, double? fMax = null)
    {
        var dense = MelFilterbank.Create(sampleRate, nFft, nMels, fMin, fMax ?? sampleRate / 2.0);
        Bands = nMels;
        Bins = nFft / 2 + 1;
        _start = new int[nMels];
        _weights = new double[nMels][];
        for (int m = 0; m < nMels; m++)
        {
            var row = dense[m];
            int lo = Array.FindIndex(row, w => w != 0), hi = Array.FindLastIndex(row, w => w != 0);
            if (lo < 0) { _start[m] = 0; _weights[m] = []; continue; }
            _start[m] = lo;
            _weights[m] = row[lo..(hi + 1)].Select(w => (double)w).ToArray();
        }
    }

    public int Bands { get; }
    public int Bins { get; }

    /// <summary>mel[t, m] = sum_k W[m, k] S[t, k], frame-major.</summary>
    public Spectrogram Apply(Spectrogram spec, bool squareInput = false)
    {
        if (spec.Bins != Bins) throw new ArgumentException($"mel bank for {Bins} bins applied to {spec.Bins}");
        var result = new double[spec.Frames * Bands];
        for (int t = 0; t < spec.Frames; t++) Project(spec.Frame(t), result.AsSpan(t * Bands, Bands), squareInput);
        return new Spectrogram(result, spec.Frames, Bands);
    }

    /// <summary>mel[m] = sum_k W[m, k] frame[k] (or frame[k]^2 with <paramref name="squareInput"/>) for one frame.</summary>
    public void Project(ReadOnlySpan<double> frame, Span<double> mel, bool squareInput = false)
    {
        if (frame.Length != Bins) throw new ArgumentException($"mel bank for {Bins} bins applied to {frame.Length}");
        for (int m = 0; m < Bands; m++)
        {
            var w = _weights[m];
            var seg = frame.Slice(_start[m], w.Length);
            double acc = 0;
            if (squareInput) for (int k = 0; k < w.Length; k++) acc += w[k] * seg[k] * seg[k];
            else for (int k = 0; k < w.Length; k++) acc += w[k] * seg[k];
            mel[m] = acc;
        }
    }
}
