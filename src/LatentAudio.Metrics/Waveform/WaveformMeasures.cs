namespace LatentAudio.Metrics.Waveform;

/// <summary>Sample-domain measures in float64 (definitions in <see cref="MetricCatalog"/>).</summary>
public static class WaveformMeasures
{
    /// <summary>10 log10(sum ref^2 / sum (ref - deg)^2), no epsilon; +inf for identical signals.</summary>
    public static double Snr(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded)
    {
        CheckLengths(reference, degraded);
        double s = 0, e = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            double r = reference[i], d = r - degraded[i];
            s += r * r; e += d * d;
        }
        if (s == 0) throw new MetricUnavailableException("reference is silent");
        return 10 * Math.Log10(s / e);
    }

    /// <summary>
    /// SI-SDR (Le Roux et al., "SDR - half-baked or well done?", ICASSP 2019) in the projection form, means removed,
    /// no epsilon: alpha = &lt;e, r&gt;/&lt;r, r&gt;, 10 log10(|alpha r|^2 / |e - alpha r|^2).
    /// </summary>
    public static double SiSdr(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded)
    {
        CheckLengths(reference, degraded);
        int n = reference.Length;
        double mr = Mean(reference), md = Mean(degraded);
        double rr = 0, er = 0;
        for (int i = 0; i < n; i++)
        {
            double r = reference[i] - mr, e = degraded[i] - md;
            rr += r * r; er += e * r;
        }
        if (rr == 0) throw new MetricUnavailableException("reference is constant");
        // A constant degraded signal is all zero once its mean is removed: target and noise both vanish (0/0).
        if (IsConstant(degraded)) throw new MetricUnavailableException("degraded signal is constant (nothing left after mean removal)");
        double alpha = er / rr, target = 0, noise = 0;
        for (int i = 0; i < n; i++)
        {
            double t = alpha * (reference[i] - mr), e = degraded[i] - md - t;
            target += t * t; noise += e * e;
        }
        return 10 * Math.Log10(target / noise);
    }

    /// <summary>Pearson correlation coefficient of two equally long sequences.</summary>
    public static double Pearson(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        CheckLengths(x, y);
        double mx = Mean(x), my = Mean(y), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = x[i] - mx, b = y[i] - my;
            sxy += a * b; sxx += a * a; syy += b * b;
        }
        if (sxx == 0 || syy == 0) throw new MetricUnavailableException("a signal is constant, correlation undefined");
        return sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>Pearson correlation of two equally long double sequences (spectrograms).</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException("sequences differ in length");
        double mx = 0, my = 0;
        for (int i = 0; i < x.Length; i++) { mx += x[i]; my += y[i]; }
        mx /= x.Length; my /= y.Length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double a = x[i] - mx, b = y[i] - my;
            sxy += a * b; sxx += a * a; syy += b * b;
        }
        if (sxx == 0 || syy == 0) throw new MetricUnavailableException("a spectrogram is constant, correlation undefined");
        return sxy / Math.Sqrt(sxx * syy);
    }

    public static double Energy(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x) s += (double)v * v;
        return s;
    }

    public static double Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++) s += (double)x[i] * y[i];
        return s;
    }

    public static double Mean(ReadOnlySpan<float> x)
    {
        double s = 0;
        foreach (var v in x) s += v;
        return x.Length == 0 ? 0 : s / x.Length;
    }

    private static bool IsConstant(ReadOnlySpan<float> x)
    {
        foreach (var v in x) if (v != x[0]) return false;
        return true;
    }

    private static void CheckLengths(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"signals differ in length ({a.Length} vs {b.Length})");
        if (a.Length == 0) throw new MetricUnavailableException("empty signals");
    }
}
