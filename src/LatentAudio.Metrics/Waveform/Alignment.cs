using System.Numerics;
using LatentAudio.Dsp;

namespace LatentAudio.Metrics.Waveform;

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
    /// Lag l in [-maxLag, maxLag] maximising c(l) = sum_n ref[n] deg[n + l] (the overlap only); ties go to the
    /// smaller |l|. Correlation is c(l) normalised by the two overlap energies.
    /// </summary>
    /// <remarks>
    /// Only 2 maxLag + 1 lags are wanted, so c is accumulated block by block in the frequency domain: block b of the
    /// reference (B samples from s = bB) against the degraded samples s - maxLag .. s + B + maxLag, both in one
    /// packed complex FFT of a small size M &gt;= B + 2 maxLag (no circular wrap for the wanted lags), and one inverse
    /// FFT at the end. Cache-sized transforms instead of one transform longer than the whole signal.
    /// </remarks>
    public static LagEstimate BestLag(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int maxLag, int sampleRate)
    {
        int nr = reference.Length, nd = degraded.Length;
        maxLag = Math.Max(0, Math.Min(maxLag, Math.Max(nr, nd) - 1));
        int span = 2 * maxLag;
        int m = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, Math.Min(nr + span, Math.Max(4 * (span + 1), 4096))));
        int block = m - span;
        var plan = new FftPlan(m);
        var zr = new double[m];
        var zi = new double[m];
        var accRe = new double[m];
        var accIm = new double[m];
        for (int s = 0; s < nr; s += block)
        {
            Array.Clear(zr);
            Array.Clear(zi);
            int count = Math.Min(block, nr - s);
            for (int i = 0; i < count; i++) zr[i] = reference[s + i];
            int d0 = s - maxLag, from = Math.Max(0, -d0), to = Math.Min(m, nd - d0);
            for (int i = from; i < to; i++) zi[i] = degraded[d0 + i];
            plan.Forward(zr, zi);
            // Untangle R = FFT(ref block), D = FFT(deg block) from Z = FFT(ref + i deg) and add conj(R) * D.
            for (int k = 0; k < m; k++)
            {
                int c = (m - k) & (m - 1);
                double rr = 0.5 * (zr[k] + zr[c]), ri = 0.5 * (zi[k] - zi[c]); // R_k
                double dr = 0.5 * (zi[k] + zi[c]), di = -0.5 * (zr[k] - zr[c]); // D_k
                accRe[k] += rr * dr + ri * di;
                accIm[k] += rr * di - ri * dr;
            }
        }
        plan.Inverse(accRe, accIm);
        // accRe[l + maxLag] = c(l)
        int best = 0;
        double bestValue = accRe[maxLag];
        for (int l = 1; l <= maxLag; l++)
        {
            double pos = accRe[maxLag + l], neg = accRe[maxLag - l];
            if (pos > bestValue) { bestValue = pos; best = l; }
            if (neg > bestValue) { bestValue = neg; best = -l; }
        }
        var (rs, ds, len) = OverlapRange(nr, nd, best);
        ReadOnlySpan<float> r0 = reference.Slice(rs, len), d0s = degraded.Slice(ds, len);
        double er = WaveformMeasures.Energy(r0), ed = WaveformMeasures.Energy(d0s);
        double corr = er > 0 && ed > 0 ? WaveformMeasures.Dot(r0, d0s) / Math.Sqrt(er * ed) : 0;
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
