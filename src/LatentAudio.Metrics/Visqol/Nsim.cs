using System.Runtime.Intrinsics;

namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>The similarity of one reference patch to one degraded patch.</summary>
internal sealed record PatchSimilarity(double Similarity, double[] BandMeans);

/// <summary>
/// Neurogram Similarity Index Measure (Hines &amp; Harte 2012; Hines et al. 2015 §II-C): SSIM's intensity and structure
/// terms over a 3x3 Gaussian window, on patches whose edges are replicated. Intensity range L = 1, C1 = (0.01 L)²,
/// C3 = (0.03 L)² / 2 (google/visqol `neurogram_similiarity_index_measure.cc`).
/// </summary>
internal static class Nsim
{
    // 3x3 Gaussian window (MATLAB-era constants kept by google/visqol), row-major; symmetric.
    private const double Corner = 0.0113033910173052, Edge = 0.0838251475442633, Centre = 0.619485845753726;
    private static ReadOnlySpan<double> Window => [Corner, Edge, Corner, Edge, Centre, Edge, Corner, Edge, Corner];
    private const double C1 = 0.01 * 0.01;
    private const double C3 = 0.03 * 0.03 / 2;

    /// <summary>NSIM of two band-major patches of <paramref name="bands"/> rows and <paramref name="width"/> columns.</summary>
    public static PatchSimilarity Measure(ReadOnlySpan<double> reference, ReadOnlySpan<double> degraded, int bands, int width)
    {
        int n = bands * width;
        var muR = new double[n]; var muD = new double[n];
        var rr = new double[n]; var dd = new double[n]; var rd = new double[n];
        var tmp = new double[n];
        Convolve(reference, bands, width, muR);
        Convolve(degraded, bands, width, muD);
        for (int i = 0; i < n; i++) tmp[i] = reference[i] * reference[i];
        Convolve(tmp, bands, width, rr);
        for (int i = 0; i < n; i++) tmp[i] = degraded[i] * degraded[i];
        Convolve(tmp, bands, width, dd);
        for (int i = 0; i < n; i++) tmp[i] = reference[i] * degraded[i];
        Convolve(tmp, bands, width, rd);
        return Combine(muR, rr, muD, dd, rd, bands, width);
    }

    /// <summary>Per-cell similarity from the windowed means, squares and cross products, averaged per band then over bands.</summary>
    public static PatchSimilarity Combine(ReadOnlySpan<double> muR, ReadOnlySpan<double> convRR, ReadOnlySpan<double> muD,
        ReadOnlySpan<double> convDD, ReadOnlySpan<double> convRD, int bands, int width)
    {
        int n = bands * width;
        // The per-cell products (two divisions and a square root each, the costly part) are independent, so they are
        // computed four at a time into a buffer (the same IEEE operations per cell, so the same numbers); the sums stay
        // sequential, in the original order.
        Span<double> cells = n <= 4096 ? stackalloc double[n] : new double[n];
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var two = Vector256.Create(2.0); var c1 = Vector256.Create(C1); var c3 = Vector256.Create(C3);
            for (; i + 4 <= n; i += 4)
            {
                var mr = Vector256.Create(muR.Slice(i, 4)); var md = Vector256.Create(muD.Slice(i, 4));
                var refMuSq = mr * mr; var degMuSq = md * md; var muRmuD = mr * md;
                var sigmaR = Vector256.Create(convRR.Slice(i, 4)) - refMuSq;
                var sigmaD = Vector256.Create(convDD.Slice(i, 4)) - degMuSq;
                var sigmaRD = Vector256.Create(convRD.Slice(i, 4)) - muRmuD;
                var intensity = (muRmuD * two + c1) / (refMuSq + degMuSq + c1);
                var sd = sigmaR * sigmaD;
                var denominator = Vector256.ConditionalSelect(Vector256.LessThan(sd, Vector256<double>.Zero), c3, Vector256.Sqrt(sd) + c3);
                (intensity * ((sigmaRD + c3) / denominator)).CopyTo(cells.Slice(i, 4));
            }
        }
        for (; i < n; i++) cells[i] = Cell(muR[i], convRR[i], muD[i], convDD[i], convRD[i]);

        var bandMeans = new double[bands];
        double total = 0;
        for (int b = 0; b < bands; b++)
        {
            double sum = 0;
            foreach (double v in cells.Slice(b * width, width)) sum += v;
            bandMeans[b] = sum / width;
            total += bandMeans[b];
        }
        return new PatchSimilarity(total / bands, bandMeans);
    }

    private static double Cell(double mr, double rr, double md, double dd, double rd)
    {
        double refMuSq = mr * mr, degMuSq = md * md, muRmuD = mr * md;
        double sigmaR = rr - refMuSq, sigmaD = dd - degMuSq, sigmaRD = rd - muRmuD;
        double intensity = (muRmuD * 2.0 + C1) / (refMuSq + degMuSq + C1);
        double sd = sigmaR * sigmaD;
        // A product of variances can come out an epsilon negative on silent patches.
        double structure = (sigmaRD + C3) / (sd < 0 ? C3 : Math.Sqrt(sd) + C3);
        return intensity * structure;
    }

    /// <summary>The 3x3 window over <paramref name="input"/> with its border replicated ('same' size output).</summary>
    public static void Convolve(ReadOnlySpan<double> input, int bands, int width, Span<double> output) =>
        Convolve(input, bands, width, output, new double[PaddedLength(bands, width)]);

    public static int PaddedLength(int bands, int width) => (bands + 2) * (width + 2);

    /// <summary>As above with a caller-owned scratch of <see cref="PaddedLength"/> values.</summary>
    public static void Convolve(ReadOnlySpan<double> input, int bands, int width, Span<double> output, Span<double> padded)
    {
        int pw = width + 2;
        for (int r = -1; r <= bands; r++)
        {
            var src = input.Slice(Math.Clamp(r, 0, bands - 1) * width, width);
            var dst = padded.Slice((r + 1) * pw, pw);
            src.CopyTo(dst[1..]);
            dst[0] = src[0];
            dst[pw - 1] = src[width - 1];
        }
        var w = Window;
        double w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8];
        for (int b = 0; b < bands; b++)
        {
            int row = b * pw;
            int c = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                // Four output columns at a time, each the same nine products summed in the same order as below.
                var v0 = Vector256.Create(w0); var v1 = Vector256.Create(w1); var v2 = Vector256.Create(w2);
                var v3 = Vector256.Create(w3); var v4 = Vector256.Create(w4); var v5 = Vector256.Create(w5);
                var v6 = Vector256.Create(w6); var v7 = Vector256.Create(w7); var v8 = Vector256.Create(w8);
                ReadOnlySpan<double> p = padded;
                for (; c + 4 <= width; c += 4)
                {
                    int o = row + c;
                    var sum = Vector256<double>.Zero;
                    sum += Vector256.Create(p.Slice(o, 4)) * v8;
                    sum += Vector256.Create(p.Slice(o + pw, 4)) * v7;
                    sum += Vector256.Create(p.Slice(o + 2 * pw, 4)) * v6;
                    sum += Vector256.Create(p.Slice(o + 1, 4)) * v5;
                    sum += Vector256.Create(p.Slice(o + 1 + pw, 4)) * v4;
                    sum += Vector256.Create(p.Slice(o + 1 + 2 * pw, 4)) * v3;
                    sum += Vector256.Create(p.Slice(o + 2, 4)) * v2;
                    sum += Vector256.Create(p.Slice(o + 2 + pw, 4)) * v1;
                    sum += Vector256.Create(p.Slice(o + 2 + 2 * pw, 4)) * v0;
                    sum.CopyTo(output.Slice(b * width + c, 4));
                }
            }
            for (; c < width; c++)
            {
                // Same terms in the same order as At(): column offset outer, row offset inner, taps from the last.
                int o = row + c;
                double sum = 0;
                sum += padded[o] * w8;
                sum += padded[o + pw] * w7;
                sum += padded[o + 2 * pw] * w6;
                sum += padded[o + 1] * w5;
                sum += padded[o + 1 + pw] * w4;
                sum += padded[o + 1 + 2 * pw] * w3;
                sum += padded[o + 2] * w2;
                sum += padded[o + 2 + pw] * w1;
                sum += padded[o + 2 + 2 * pw] * w0;
                output[b * width + c] = sum;
            }
        }
    }

    /// <summary>
    /// One output cell; columns are replicated at <paramref name="firstCol"/> and <paramref name="lastCol"/> (a patch's edges),
    /// rows at the band edges. The summation order follows the reference (column offset outer, row offset inner).
    /// </summary>
    public static double At(ReadOnlySpan<double> input, int bands, int width, int b, int c, int firstCol, int lastCol)
    {
        var w = Window;
        double sum = 0;
        int k = 8;
        for (int dc = -1; dc <= 1; dc++)
        {
            int cc = Math.Clamp(c + dc, firstCol, lastCol);
            for (int dr = -1; dr <= 1; dr++)
            {
                int rr = Math.Clamp(b + dr, 0, bands - 1);
                sum += input[rr * width + cc] * w[k--];
            }
        }
        return sum;
    }
}
