namespace LatentAudio.Metrics.P862;

/// <summary>
/// Histogram of the lags at which windowed block correlations peak, each hit weighted by (peak)^0.125
/// (P.862 §10.3.3). Two accumulation styles exist in the reference: `time_align` collects single-lag hits and
/// smooths the histogram with a triangular kernel afterwards; `split_align` adds the triangle at every hit.
/// </summary>
internal sealed class DelayHistogram
{
    private readonly int _n, _kernel;
    public float[] Bins { get; }
    public float Sum { get; private set; }

    public DelayHistogram(int n)
    {
        _n = n; _kernel = n / 64;
        Bins = new float[n];
    }

    public void Clear() { Array.Clear(Bins); Sum = 0f; }

    /// <summary>time_align style: +peak^0.125 at each lag above the threshold.</summary>
    public void AddHits(BlockCorrelator block, float threshold)
    {
        float w = (float)Math.Pow(threshold, 0.125);
        var m = block.Magnitude;
        for (int i = 0; i < _n; i++) if (m[i] > threshold) Bins[i] += w;
    }

    /// <summary>split_align style: a triangle of half-width N/64 and height peak^0.125 at each lag above the threshold.</summary>
    public void AddTriangles(BlockCorrelator block, float threshold)
    {
        float nMax = (float)Math.Pow(threshold, 0.125) / _kernel;
        var m = block.Magnitude;
        for (int i = 0; i < _n; i++)
        {
            if (!(m[i] > threshold)) continue;
            Sum += nMax * _kernel;
            for (int k = 1 - _kernel; k < _kernel; k++)
                Bins[(i + k + _n) % _n] += nMax * (_kernel - Math.Abs(k));
        }
    }

    /// <summary>
    /// time_align's finish: circular smoothing with the triangle (1 − |k|/K), normalised by the histogram mass.
    /// Returns the best lag (wrapped to [−N/2, N/2)) and its normalised height (the confidence).
    /// </summary>
    public (int Lag, float Confidence) SmoothedPeak()
    {
        float hsum = 0f;
        for (int i = 0; i < _n; i++) hsum += Bins[i];
        var weights = new float[_kernel];
        weights[0] = 1f;
        for (int k = 1; k < _kernel; k++) weights[k] = 1.0f - (float)k / _kernel;
        float best = 0f;
        int bestLag = 0;
        for (int i = 0; i < _n; i++)
        {
            double s = Bins[i];
            for (int k = 1; k < _kernel; k++)
                s += weights[k] * ((double)Bins[(i - k + _n) % _n] + Bins[(i + k) % _n]);
            float h = hsum > 0.0 ? (float)Math.Abs(s) / hsum : 0f;
            if (h > best) { best = h; bestLag = i; }
        }
        if (bestLag >= _n / 2) bestLag -= _n;
        return (bestLag, best);
    }

    /// <summary>split_align's finish: the highest bin and its share of the mass.</summary>
    public (int Lag, float Confidence) RawPeak()
    {
        float best = 0f;
        int bestLag = 0;
        for (int i = 0; i < _n; i++) if (Bins[i] > best) { best = Bins[i]; bestLag = i; }
        if (bestLag >= _n / 2) bestLag -= _n;
        return (bestLag, Sum > 0.0 ? best / Sum : 0f);
    }
}
