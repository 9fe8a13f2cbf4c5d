namespace LatentAudio.Metrics.Loudness;

/// <summary>A biquad section b/a normalised so a0 = 1, run as scipy.signal.lfilter (direct form II transposed).</summary>
public readonly record struct Biquad(double B0, double B1, double B2, double A1, double A2)
{
    public void Apply(Span<double> x)
    {
        double z1 = 0, z2 = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double xi = x[i], y = B0 * xi + z1;
            z1 = B1 * xi - A1 * y + z2;
            z2 = B2 * xi - A2 * y;
            x[i] = y;
        }
    }
}

/// <summary>Which K-weighting filter design a <see cref="LoudnessMeter"/> uses.</summary>
public enum KWeightingDesign
{
    /// <summary>ITU-R BS.1770-4 Annex 1 filters, re-derived for any rate with Brecht De Man's parametrisation
    /// through the bilinear transform (pyloudnorm `Meter(filter_class="DeMan")`); exact at 48 kHz.</summary>
    Itu,
    /// <summary>pyloudnorm's default `"K-weighting"`: RBJ-cookbook high shelf (+4 dB, Q 1/sqrt 2, 1500 Hz) and
    /// high-pass (Q 0.5, 38 Hz) at the file's rate; not the ITU filters (reads 0.04 LU low at 48 kHz, 0.11 LU at
    /// 16 kHz). Kept to reproduce pyloudnorm's default numbers.</summary>
    PyloudnormDefault,
}

/// <summary>The two K-weighting stages (pre-filter shelf, then RLB high-pass) for one rate.</summary>
public static class KWeighting
{
    public static (Biquad Shelf, Biquad HighPass) Design(int sampleRate, KWeightingDesign design) => design switch
    {
        KWeightingDesign.Itu => (DeManShelf(sampleRate), DeManHighPass(sampleRate)),
        KWeightingDesign.PyloudnormDefault => (RbjHighShelf(sampleRate, 4.0, 1 / Math.Sqrt(2), 1500.0), RbjHighPass(sampleRate, 0.5, 38.0)),
        _ => throw new ArgumentOutOfRangeException(nameof(design)),
    };

    // De Man's fit of the BS.1770 48 kHz shelf (pyloudnorm `meter.py` L221-223 constants).
    private static Biquad DeManShelf(int fs)
    {
        const double F0 = 1681.9744509555319, G = 3.99984385397, Q = 0.7071752369554193;
        double k = Math.Tan(Math.PI * F0 / fs);
        double vh = Math.Pow(10.0, G / 20.0), vb = Math.Pow(vh, 0.499666774155);
        double a0 = 1.0 + k / Q + k * k;
        return new Biquad(
            (vh + vb * k / Q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / Q + k * k) / a0,
            2.0 * (k * k - 1.0) / a0, (1.0 - k / Q + k * k) / a0);
    }

    private static Biquad DeManHighPass(int fs)
    {
        const double F0 = 38.13547087613982, Q = 0.5003270373253953;
        double k = Math.Tan(Math.PI * F0 / fs);
        double a0 = 1.0 + k / Q + k * k;
        return new Biquad(1.0, -2.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / Q + k * k) / a0);
    }

    // R. Bristow-Johnson, "Audio EQ Cookbook", as pyloudnorm `iirfilter.py` codes it.
    private static Biquad RbjHighShelf(int fs, double gainDb, double q, double fc)
    {
        double a = Math.Pow(10, gainDb / 40.0), w0 = 2.0 * Math.PI * (fc / fs), alpha = Math.Sin(w0) / (2.0 * q), c = Math.Cos(w0);
        double sa = 2 * Math.Sqrt(a) * alpha;
        double b0 = a * ((a + 1) + (a - 1) * c + sa), b1 = -2 * a * ((a - 1) + (a + 1) * c), b2 = a * ((a + 1) + (a - 1) * c - sa);
        double a0 = (a + 1) - (a - 1) * c + sa, a1 = 2 * ((a - 1) - (a + 1) * c), a2 = (a + 1) - (a - 1) * c - sa;
        return new Biquad(b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0);
    }

    private static Biquad RbjHighPass(int fs, double q, double fc)
    {
        double w0 = 2.0 * Math.PI * (fc / fs), alpha = Math.Sin(w0) / (2.0 * q), c = Math.Cos(w0);
        double a0 = 1 + alpha;
        return new Biquad((1 + c) / 2 / a0, -(1 + c) / a0, (1 + c) / 2 / a0, -2 * c / a0, (1 - alpha) / a0);
    }
}
