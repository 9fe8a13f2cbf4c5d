namespace LatentAudio.Metrics.Pesq;

/// <summary>
/// One step of the fine time alignment (P.862 §10.3.3): the circular cross-correlation of a Hann-windowed block of
/// the reference and of the degraded signal (reference `time_align`/`split_align` inner loop). Returns |r[k]| per
/// lag k and the threshold 0.99·max above which a lag counts as a peak.
/// </summary>
internal sealed class BlockCorrelator
{
    private readonly int _n;
    private readonly float[] _window;
    private readonly double[] _a, _b, _r;
    private readonly PesqFft _fft;

    public BlockCorrelator(int n, PesqFft fft)
    {
        _n = n; _fft = fft;
        _window = new float[n];
        for (int i = 0; i < n; i++) _window[i] = (float)(0.5 * (1.0 - Math.Cos(2 * Math.PI * i / n)));
        _a = new double[n]; _b = new double[n]; _r = new double[n];
        Magnitude = new float[n];
    }

    public int Length => _n;
    public float[] Magnitude { get; }

    /// <summary>Correlates the blocks starting at <paramref name="refStart"/> and <paramref name="degStart"/>; returns 0.99·max|r|.</summary>
    public float Correlate(float[] reference, int refStart, float[] degraded, int degStart)
    {
        for (int i = 0; i < _n; i++)
        {
            _a[i] = reference[refStart + i] * _window[i];
            _b[i] = degraded[degStart + i] * _window[i];
        }
        _fft.CrossCorrelate(_a, _b, _r);
        float max = 0f;
        for (int i = 0; i < _n; i++)
        {
            float m = (float)Math.Abs(_r[i]);
            Magnitude[i] = m;
            if (m > max) max = m;
        }
        return max * 0.99f;
    }
}
