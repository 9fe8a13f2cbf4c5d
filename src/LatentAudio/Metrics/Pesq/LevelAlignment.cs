namespace LatentAudio.Metrics.Pesq;

/// <summary>
/// P.862 §10.1.1 level alignment: scale each signal so that its power in the 350–3250 Hz band, averaged over the
/// longer signal's duration, is 10^7 (reference `fix_power_level`, TARGET_AVG_POWER).
/// </summary>
internal static class LevelAlignment
{
    public const double TargetAveragePower = 1e7;

    /// <summary>Band power of the signal (sum of squares over the signal span, divided by the common span).</summary>
    public static double BandPower(PesqSignal signal, int maxLength, PesqRateProfile rate, PesqFft fft)
    {
        var filtered = signal.Clone();
        FrequencyResponseFilter.LevelAlignment.Apply(filtered, rate, fft);
        int sb = rate.SearchBufferSamples;
        return PowerOf(filtered.Data, sb, signal.Length - sb + rate.DataPadding, maxLength - 2 * sb + rate.DataPadding);
    }

    public static void Apply(PesqSignal signal, double bandPower)
    {
        float power = (float)bandPower;
        float scale = (float)Math.Sqrt(TargetAveragePower / power);
        var d = signal.Data;
        for (int i = 0; i < signal.Length; i++) d[i] *= scale;
    }

    /// <summary>Σ x[i]² over [start, stop) divided by <paramref name="divisor"/> (reference `pow_of`).</summary>
    public static double PowerOf(ReadOnlySpan<float> x, int start, int stop, int divisor)
    {
        double power = 0;
        for (int i = start; i < stop; i++) { float h = x[i]; power += h * h; }
        return power / divisor;
    }
}
