namespace LatentAudio.Metrics.P862;

/// <summary>
/// Per-frame disturbance (P.862 §10.2.5–10.2.9): frame gain compensation of the degraded density (audible-power
/// ratio with +5·10^3 offsets, smoothed 0.2/0.8 across frames, clamped to [3·10^-4, 5]), loudness of both, the
/// signed loudness difference with a dead zone of 0.25·min(loudness), its L2 norm over Bark (symmetric disturbance)
/// and, after the asymmetry factor ((deg+50)/(ref+50))^1.2 capped at 12 and zeroed below 3, its L1 norm (asymmetric).
/// </summary>
internal sealed class FrameDisturbance
{
    private const float MaxScale = 5.0f, MinScale = 3e-4f;
    private readonly PesqBandTables _bands;
    private readonly LoudnessModel _loudness;
    private readonly float[] _refLoudness, _degLoudness, _dist;
    private float _oldScale = 1f;

    public FrameDisturbance(PesqRateProfile rate)
    {
        _bands = rate.Bands;
        _loudness = new LoudnessModel(rate);
        int nb = _bands.Count;
        _refLoudness = new float[nb]; _degLoudness = new float[nb]; _dist = new float[nb];
    }

    /// <summary>Restarts the gain smoothing (start of the file or of a bad interval).</summary>
    public void ResetGain() => _oldScale = 1f;

    /// <summary>Σ of band powers above factor·threshold, bands 1.. (reference `total_audible`).</summary>
    public float TotalAudible(ReadOnlySpan<float> density, float factor)
    {
        double result = 0;
        for (int b = 1; b < _bands.Count; b++)
        {
            float h = density[b];
            float threshold = (float)(factor * _bands.AbsThresholdPower[b]);
            if (h > threshold) result += h;
        }
        return (float)result;
    }

    /// <summary>
    /// Scales <paramref name="deg"/> in place by the frame gain and returns (symmetric, asymmetric) disturbance.
    /// </summary>
    public (float Symmetric, float Asymmetric) Compute(ReadOnlySpan<float> reference, Span<float> deg, bool firstFrame)
    {
        float audibleRef = TotalAudible(reference, 1f);
        float audibleDeg = TotalAudible(deg, 1f);
        float scale = (audibleRef + 5e3f) / (audibleDeg + 5e3f);
        if (!firstFrame) scale = 0.2f * _oldScale + 0.8f * scale;
        _oldScale = scale;
        if (scale > MaxScale) scale = MaxScale;
        if (scale < MinScale) scale = MinScale;
        int nb = _bands.Count;
        for (int b = 0; b < nb; b++) deg[b] *= scale;

        _loudness.Compute(reference, _refLoudness);
        _loudness.Compute(deg, _degLoudness);
        for (int b = 0; b < nb; b++)
        {
            float d = _degLoudness[b] - _refLoudness[b];
            float m = Math.Min(_degLoudness[b], _refLoudness[b]) * 0.25f;
            _dist[b] = d > m ? d - m : d < -m ? d + m : 0f;
        }
        float symmetric = WeightedLp(_dist, 2);
        for (int b = 0; b < nb; b++)
        {
            float ratio = (deg[b] + 50f) / (reference[b] + 50f);
            float h = (float)Math.Pow(ratio, 1.2f);
            if (h > 12f) h = 12f;
            if (h < 3f) h = 0f;
            _dist[b] *= h;
        }
        float asymmetric = WeightedLp(_dist, 1);
        return (symmetric, asymmetric);
    }

    /// <summary>(Σ (|x_b|·w_b)^p / Σ w_b)^(1/p) · Σ w_b over bands 1.., w = band width in Bark (reference `pseudo_Lp`).</summary>
    private float WeightedLp(float[] x, float p)
    {
        double total = 0, result = 0;
        for (int b = 1; b < _bands.Count; b++)
        {
            float h = Math.Abs(x[b]);
            float w = (float)_bands.WidthBark[b];
            float prod = h * w;
            result += Math.Pow(prod, p);
            total += w;
        }
        result /= total;
        result = Math.Pow(result, 1 / p);
        result *= total;
        return (float)result;
    }
}
