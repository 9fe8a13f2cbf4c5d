namespace LatentAudio.Metrics.P862;

/// <summary>
/// P.862 §10.1.1 level alignment: scale each signal so that its power in the 350–3250 Hz band, averaged over the
/// longer signal's duration, is 10^7 (reference `fix_power_level`, TARGET_AVG_POWER).
/// </summary>
internal static class LevelAlignment
{
    public const double TargetAveragePower = 1e7;

    /// <summary>
    /// Band power of each signal: the 350–3250 Hz filtered copy's sum of squares over the signal span, divided by
    /// the common span of the longer signal.
    /// </summary>
    public static (double Reference, double Degraded) BandPowers(PesqSignal reference, PesqSignal degraded, PesqRateProfile rate, PesqFft fft)
    {
        int maxLength = Math.Max(reference.Length, degraded.Length);
        var r = reference.Clone();
        var d = degraded.Clone();
        FrequencyResponseFilter.LevelAlignment.Apply(r, d, rate, fft);
        int sb = rate.SearchBufferSamples, divisor = maxLength - 2 * sb + rate.DataPadding;
        return (PowerOf(r.Data, sb, reference.Length - sb + rate.DataPadding, divisor),
                PowerOf(d.Data, sb, degraded.Length - sb + rate.DataPadding, divisor));
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
