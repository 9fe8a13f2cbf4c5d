namespace LatentAudio.Metrics.P862;

/// <summary>
/// Bark power density to loudness density (P.862 §10.2.6, reference `intensity_warping_of`): Zwicker's law with
/// exponent 0.23, raised below 4 Bark by (6 / (z + 2))^0.15 (at most 2^0.15), zero below the hearing threshold,
/// scaled by Sl.
/// </summary>
internal sealed class LoudnessModel
{
    private const double ZwickerPower = 0.23;
    private readonly double[] _exponent;
    private readonly float[] _threshold;
    private readonly double[] _thresholdTerm;
    private readonly float _sl;

    public LoudnessModel(PesqRateProfile rate)
    {
        var t = rate.Bands;
        _sl = rate.LoudnessScale;
        _exponent = new double[t.Count];
        _threshold = new float[t.Count];
        _thresholdTerm = new double[t.Count];
        for (int b = 0; b < t.Count; b++)
        {
            float h = t.CentreBark[b] < 4f ? 6f / ((float)t.CentreBark[b] + 2f) : 1f;
            if (h > 2f) h = 2f;
            h = (float)Math.Pow(h, 0.15f);
            _exponent[b] = ZwickerPower * h;
            _threshold[b] = (float)t.AbsThresholdPower[b];
            _thresholdTerm[b] = Math.Pow(_threshold[b] / 0.5, _exponent[b]);
        }
    }

    public void Compute(ReadOnlySpan<float> power, Span<float> loudness)
    {
        for (int b = 0; b < _exponent.Length; b++)
        {
            float input = power[b];
            float threshold = _threshold[b];
            float l = input > threshold
                ? (float)(_thresholdTerm[b] * (Math.Pow(0.5 + 0.5 * input / threshold, _exponent[b]) - 1))
                : 0f;
            loudness[b] = l * _sl;
        }
    }
}
