using System.Numerics;
using LatentAudio.Dsp;

namespace LatentAudio.Metrics;

/// <summary>Best lag of a cross-correlation search; positive means the degraded signal is late
/// (deg[n] ~ ref[n - Lag]).</summary>
public readonly record struct LagEstimate(int Lag, int SampleRate, double Correlation)
{
    public double Milliseconds => Lag * 1000.0 / SampleRate;
}

/// <summary>Integer-sample alignment by maximising the raw cross-correlation within +- maxLag samples.</summary>
public static class Alignment
{
    /// <summary>
    /// Lag l in [-maxLag, maxLag] maximising c(l) = sum_n ref[n] deg[n + l] (the overlap only), computed by one
    /// packed complex FFT of both signals; ties go to the smaller |l|. Correlation is c(l) normalised by the two
    /// overlap energies.
    /// </summary>
    public static LagEstimate BestLag(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int maxLag, int sampleRate)
    {
        maxLag = Math.Max(0, Math.Min(maxLag, Math.Max(reference.Length, degraded.Length) - 1));
        int m = (int)BitOperations.RoundUpToPowerOf2((uint)(Math.Max(reference.Length, degraded.Length) + maxLag + 1));
        var z = new Complex[m];
        for (int i = 0; i < reference.Length; i++) z[i] = new Complex(reference[i], 0);
        for (int i = 0; i < degraded.Length; i++) z[i] = new Complex(z[i].Real, degraded[i]);
        var plan = new FftPlan(m);
        plan.Forward(z);
        // Untangle R = FFT(ref), D = FFT(deg) from Z = FFT(ref + i deg), then form conj(R) * D.
        var c = new Complex[m];
        for (int k = 0; k < m; k++)
        {
            Complex zk = z[k], zc = Complex.Conjugate(z[(m - k) & (m - 1)]);
            Complex r = (zk + zc) * 0.5, d = (zk - zc) * new Complex(0, -0.5);
            c[k] = Complex.Conjugate(r) * d;
        }
        plan.Inverse(c);
        int best = 0;
        double bestValue = c[0].Real;
        for (int l = 1; l <= maxLag; l++)
        {
            double pos = c[l].Real, neg = c[m - l].Real;
            if (pos > bestValue) { bestValue = pos; best = l; }
            if (neg > bestValue) { bestValue = neg; best = -l; }
        }
        var (rs, ds, len) = OverlapRange(reference.Length, degraded.Length, best);
        ReadOnlySpan<float> r0 = reference.Slice(rs, len), d0 = degraded.Slice(ds, len);
        double er = Waveform.Energy(r0), ed = Waveform.Energy(d0);
        double corr = er > 0 && ed > 0 ? Waveform.Dot(r0, d0) / Math.Sqrt(er * ed) : 0;
        return new LagEstimate(best, sampleRate, corr);
    }

    /// <summary>The overlapping parts of ref[n] and deg[n + lag].</summary>
    public static (ReadOnlyMemory<float> Reference, ReadOnlyMemory<float> Degraded) Overlap(float[] reference, float[] degraded, int lag)
    {
        var (rs, ds, n) = OverlapRange(reference.Length, degraded.Length, lag);
        return (reference.AsMemory(rs, n), degraded.AsMemory(ds, n));
    }

    /// <summary>Start in the reference, start in the degraded signal and length of the overlap at <paramref name="lag"/>.</summary>
    public static (int ReferenceStart, int DegradedStart, int Length) OverlapRange(int referenceLength, int degradedLength, int lag) =>
        lag >= 0
            ? (0, lag, Math.Max(0, Math.Min(referenceLength, degradedLength - lag)))
            : (-lag, 0, Math.Max(0, Math.Min(referenceLength + lag, degradedLength)));
}
