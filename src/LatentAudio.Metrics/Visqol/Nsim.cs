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
        var bandMeans = new double[bands];
        double total = 0;
        for (int b = 0; b < bands; b++)
        {
            double sum = 0;
            for (int c = 0; c < width; c++)
            {
                int i = b * width + c;
                double mr = muR[i], md = muD[i];
                double refMuSq = mr * mr, degMuSq = md * md, muRmuD = mr * md;
                double sigmaR = convRR[i] - refMuSq, sigmaD = convDD[i] - degMuSq, sigmaRD = convRD[i] - muRmuD;
                double intensity = (muRmuD * 2.0 + C1) / (refMuSq + degMuSq + C1);
                double sd = sigmaR * sigmaD;
                // A product of variances can come out an epsilon negative on silent patches.
                double structure = (sigmaRD + C3) / (sd < 0 ? C3 : Math.Sqrt(sd) + C3);
                sum += intensity * structure;
            }
            bandMeans[b] = sum / width;
            total += bandMeans[b];
        }
        return new PatchSimilarity(total / bands, bandMeans);
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
            for (int c = 0; c < width; c++)
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
