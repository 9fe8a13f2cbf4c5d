using System.Buffers;
using System.Numerics;
using LatentAudio.Dsp;

namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>
/// ViSQOL's time alignment: the lag that maximises the cross-correlation of the two signals' upper envelopes
/// (google/visqol `alignment.cc`, `envelope.cc`, `xcorr.cc`); lags of more than half the reference are ignored.
/// </summary>
internal static class SignalAlignment
{
    /// <summary>Shifts <paramref name="degraded"/> so it lines up with <paramref name="reference"/>: zeros prepended for a
    /// positive lag, leading samples dropped for a negative one. Returns the lag in samples (0 when not applied).</summary>
    public static (double[] Degraded, int Lag) GloballyAlign(ReadOnlySpan<double> reference, double[] degraded, FftPlans? plans = null)
    {
        var (aligned, lag, _) = GloballyAlignAt(reference, degraded, plans ?? new FftPlans());
        return (aligned, lag);
    }

    /// <summary><see cref="GloballyAlign"/>, also giving the index in <paramref name="degraded"/> of the result's first
    /// sample (negative when zeros were prepended).</summary>
    private static (double[] Degraded, int Lag, int Skip) GloballyAlignAt(ReadOnlySpan<double> reference, double[] degraded, FftPlans plans)
    {
        long lag = BestLag(UpperEnvelope(reference), UpperEnvelope(degraded), plans);
        if (lag == 0 || Math.Abs(lag) > reference.Length / 2.0) return (degraded, 0, 0);
        if (lag < 0)
        {
            int drop = (int)Math.Min(-lag, degraded.Length);
            return (degraded.AsSpan(drop).ToArray(), (int)lag, drop);
        }
        var shifted = new double[degraded.Length + lag];
        degraded.CopyTo(shifted, lag);
        return (shifted, (int)lag, (int)-lag);
    }

    /// <summary>
    /// Globally aligns, then trims both to a common length the way the reference's `AlignAndTruncate` does (used for the
    /// fine realignment of each matched patch). The lag is in seconds.
    /// </summary>
    public static (double[] Reference, double[] Degraded, double LagSeconds) AlignAndTruncate(
        double[] reference, double[] degraded, int sampleRate, FftPlans plans)
    {
        var (r, d, lag, _, _) = AlignAndTruncateAt(reference, degraded, sampleRate, plans);
        return (r, d, lag);
    }

    /// <summary>
    /// <see cref="AlignAndTruncate"/>, also giving where each result starts in its input (RefSkip into
    /// <paramref name="reference"/>, DegSkip into <paramref name="degraded"/>, negative when zeros were prepended), so a
    /// caller can recognise results that are plain slices of signals it has already analysed.
    /// </summary>
    public static (double[] Reference, double[] Degraded, double LagSeconds, int RefSkip, int DegSkip) AlignAndTruncateAt(
        double[] reference, double[] degraded, int sampleRate, FftPlans plans)
    {
        var (aligned, lagSamples, skip) = GloballyAlignAt(reference, degraded, plans);
        double lag = lagSamples / (double)sampleRate;
        if (reference.Length > aligned.Length)
            return (reference.AsSpan(0, aligned.Length).ToArray(), aligned, lag, 0, skip);
        if (reference.Length < aligned.Length)
        {
            // The reference converts the lag back to samples through seconds, truncating; a negative start cannot occur
            // in the reference's use (it would throw there) and is clamped here.
            int start = Math.Max(0, (int)(lag * sampleRate));
            start = Math.Min(start, reference.Length);
            return (reference.AsSpan(start).ToArray(), aligned.AsSpan(start, reference.Length - start).ToArray(), lag, start, skip + start);
        }
        return (reference, aligned, lag, 0, skip);
    }

    /// <summary>
    /// The reference's "upper envelope": it takes a Hilbert transform through a real-input FFT whose inverse keeps only the
    /// real part, so the analytic signal collapses to 2x minus its DC and Nyquist terms. In closed form, for the centred
    /// signal xc zero-padded to N = max(nextpow2(n), 32): y[t] = 2·xc[t] − (X0 + (2 − hN)·XN·(−1)^t) / N, where X0 and XN
    /// are the DC and Nyquist bins and hN is 1 when n = N, else 0. The envelope is |y| + mean.
    /// </summary>
    public static double[] UpperEnvelope(ReadOnlySpan<double> x)
    {
        int n = x.Length;
        var env = new double[n];
        if (n == 0) return env;
        double sum = 0;
        foreach (var v in x) sum += v;
        double mean = sum / n;
        double x0 = 0, xN = 0;
        for (int t = 0; t < n; t++)
        {
            double c = x[t] - mean;
            x0 += c;
            xN += (t & 1) == 0 ? c : -c;
        }
        long fftSize = Math.Max(32, (long)BitOperations.RoundUpToPowerOf2((uint)n));
        double hN = n == fftSize ? 1.0 : 0.0;
        double even = (x0 + (2 - hN) * xN) / fftSize, odd = (x0 - (2 - hN) * xN) / fftSize;
        for (int t = 0; t < n; t++)
        {
            double y = 2 * (x[t] - mean) - ((t & 1) == 0 ? even : odd);
            env[t] = Math.Abs(y) + mean;
        }
        return env;
    }

    /// <summary>
    /// argmax over k of Σ a[i+k]·b[i] (linear cross-correlation via an FFT of at least twice the longer length), lags
    /// searched from −(L−1) up to L−1 and the first maximum kept, as the reference's `XCorr::FindLowestLagIndex`.
    /// </summary>
    public static long BestLag(double[] a, double[] b, FftPlans plans)
    {
        int len = Math.Max(a.Length, b.Length);
        if (len == 0) return 0;
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * len - 1) + 1);
        var plan = plans.Get(size);
        // Both real signals in one complex FFT: z = a + i·b.
        // Rented: a 2^20-point buffer is 16 MB, and a fresh one per comparison costs page faults and gen-2 collections
        // (ArrayPool.Shared is the runtime's, trimmed under memory pressure). Only the first `size` values are used.
        var rented = ArrayPool<Complex>.Shared.Rent(size);
        var z = rented.AsSpan(0, size);
        z.Clear();
        for (int i = 0; i < a.Length; i++) z[i] = new Complex(a[i], 0);
        for (int i = 0; i < b.Length; i++) z[i] = new Complex(z[i].Real, b[i]);
        plan.Forward(z);
        // The cross spectrum P_k = A_k·conj(B_k) overwrites z in place: P_k and P_{N-k} both need only Z_k and Z_{N-k},
        // so each pair is formed before either is stored. It is stored conjugated, and the inverse is taken as a
        // forward transform: Re(IFFT(P)) = Re(conj(FFT(conj P)))/N = Re(FFT(conj P))/N, the same numbers as
        // FftPlan.Inverse's conjugate, transform, conjugate and scale, without its two extra passes over 16 MB (2^20).
        for (int k = 0; k <= size / 2; k++)
        {
            int m = (size - k) & (size - 1);
            var zk = z[k];
            var zm = z[m];
            var pk = CrossSpectrum(zk, zm);
            var pm = CrossSpectrum(zm, zk);
            z[k] = Complex.Conjugate(pk);
            z[m] = Complex.Conjugate(pm);
        }
        plan.Forward(z);
        double scale = 1.0 / size;
        int maxLag = len - 1;
        double best = double.NegativeInfinity;
        long bestLag = 0;
        for (long lag = -maxLag; lag <= maxLag; lag++)
        {
            double c = z[(int)(lag < 0 ? size + lag : lag)].Real * scale;
            if (c > best) { best = c; bestLag = lag; }
        }
        ArrayPool<Complex>.Shared.Return(rented);
        return bestLag;
    }

    /// <summary>A_k·conj(B_k) for z = a + i·b, from Z_k and Z_{N-k}.</summary>
    private static Complex CrossSpectrum(Complex zk, Complex zNegK)
    {
        var zm = Complex.Conjugate(zNegK);
        var fa = (zk + zm) * 0.5;
        var fb = (zk - zm) * new Complex(0, -0.5);
        return fa * Complex.Conjugate(fb);
    }
}
