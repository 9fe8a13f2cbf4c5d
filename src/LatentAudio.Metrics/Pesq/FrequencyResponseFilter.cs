using System.Numerics;

namespace LatentAudio.Metrics.P862;

/// <summary>
/// A zero-phase filter given as a piecewise-linear magnitude curve in dB over frequency, applied to the whole
/// signal in one FFT (P.862 §10.1.1 and §10.1.2: the alignment band-pass used for level alignment and the
/// modified IRS receive characteristic of narrow-band PESQ). The response is normalised to 0 dB at 1 kHz.
/// </summary>
internal sealed class FrequencyResponseFilter
{
    private readonly double[] _hz, _db;

    private FrequencyResponseFilter(double[,] curve)
    {
        int n = curve.GetLength(0);
        _hz = new double[n]; _db = new double[n];
        for (int i = 0; i < n; i++) { _hz[i] = curve[i, 0]; _db[i] = curve[i, 1]; }
    }

    /// <summary>Pass band 350–3250 Hz used to measure the level (reference `align_filter_dB`).</summary>
    public static FrequencyResponseFilter LevelAlignment { get; } = new(new double[,]
    {
        { 0, -500 }, { 50, -500 }, { 100, -500 }, { 125, -500 }, { 160, -500 }, { 200, -500 }, { 250, -500 },
        { 300, -500 }, { 350, 0 }, { 400, 0 }, { 500, 0 }, { 600, 0 }, { 630, 0 }, { 800, 0 }, { 1000, 0 },
        { 1250, 0 }, { 1600, 0 }, { 2000, 0 }, { 2500, 0 }, { 3000, 0 }, { 3250, 0 }, { 3500, -500 },
        { 4000, -500 }, { 5000, -500 }, { 6300, -500 }, { 8000, -500 },
    });

    /// <summary>The IRS receive characteristic of P.862 narrow band (reference `standard_IRS_filter_dB`).</summary>
    public static FrequencyResponseFilter IrsReceive { get; } = new(new double[,]
    {
        { 0, -200 }, { 50, -40 }, { 100, -20 }, { 125, -12 }, { 160, -6 }, { 200, 0 }, { 250, 4 }, { 300, 6 },
        { 350, 8 }, { 400, 10 }, { 500, 11 }, { 600, 12 }, { 700, 12 }, { 800, 12 }, { 1000, 12 }, { 1300, 12 },
        { 1600, 12 }, { 2000, 12 }, { 2500, 12 }, { 3000, 12 }, { 3250, 12 }, { 3500, 4 }, { 4000, -200 },
        { 5000, -200 }, { 6300, -200 }, { 8000, -200 },
    });

    /// <summary>Curve value at <paramref name="freq"/> by linear interpolation, extrapolating the end segments.</summary>
    public float GainDb(float freq)
    {
        int cursor = 1;
        return GainDb(freq, ref cursor);
    }

    /// <summary>
    /// As <see cref="GainDb(float)"/>; <paramref name="cursor"/> carries the segment search over calls with
    /// non-decreasing frequencies (start it at 1).
    /// </summary>
    private float GainDb(float freq, ref int cursor)
    {
        int last = _hz.Length - 1;
        int hi;
        if (freq <= _hz[0]) hi = 1;
        else if (freq >= _hz[last]) hi = last;
        else { while (_hz[cursor] < freq) cursor++; hi = cursor; }
        double fl = _hz[hi - 1], fh = _hz[hi], cl = _db[hi - 1], ch = _db[hi];
        return (float)(((freq - fl) * ch + (fh - freq) * cl) / (fh - fl));
    }

    /// <summary>
    /// Filters the signal part of <paramref name="signal"/> (from the first search buffer to the end of the data
    /// padding, as the reference does) in place.
    /// </summary>
    public void Apply(PesqSignal signal, PesqRateProfile rate, PesqFft fft) => Apply(signal, null, rate, fft);

    /// <summary>
    /// Filters two signals in place. When their transform lengths agree they share one complex FFT (the second
    /// signal in the imaginary part; a real, even response keeps the two apart).
    /// </summary>
    public void Apply(PesqSignal first, PesqSignal? second, PesqRateProfile rate, PesqFft fft)
    {
        int offset = rate.SearchBufferSamples;
        int n1 = first.Length - 2 * offset + rate.DataPadding;
        int size = PesqFft.NextPow2(n1);
        if (second is not null)
        {
            int n2 = second.Length - 2 * offset + rate.DataPadding;
            if (PesqFft.NextPow2(n2) != size)
            {
                Apply(first, null, rate, fft);
                Apply(second, null, rate, fft);
                return;
            }
        }
        var x = fft.Scratch(size);
        var d1 = first.Data;
        for (int i = 0; i < n1; i++) x[i] = new Complex(d1[offset + i], 0);
        int n2b = 0;
        if (second is not null)
        {
            var d2 = second.Data;
            n2b = second.Length - 2 * offset + rate.DataPadding;
            for (int i = 0; i < n2b; i++) x[i] = new Complex(x[i].Real, d2[offset + i]);
        }
        var plan = fft.Plan(size);
        plan.Forward(x);
        float overall = GainDb(1000f);
        float resolution = (float)rate.SampleRate / size;
        int cursor = 1;
        for (int i = 0; i <= size / 2; i++)
        {
            float db = GainDb(i * resolution, ref cursor) - overall;
            float factor = (float)Math.Pow(10f, db / 20f);
            x[i] *= factor;
            if (i != 0 && i != size / 2) x[size - i] *= factor;
        }
        plan.Inverse(x);
        for (int i = 0; i < n1; i++) d1[offset + i] = (float)x[i].Real;
        if (second is not null)
        {
            var d2 = second.Data;
            for (int i = 0; i < n2b; i++) d2[offset + i] = (float)x[i].Imaginary;
        }
    }
}
