namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>A bands x frames matrix of gammatone band levels, band-major (row = band, low band first).</summary>
internal sealed class BandSpectrogram
{
    public BandSpectrogram(int bands, int frames)
    {
        Bands = bands;
        Frames = frames;
        Data = new double[bands * frames];
    }

    public int Bands { get; }
    public int Frames { get; }
    public double[] Data { get; }

    public BandSpectrogram Copy()
    {
        var copy = new BandSpectrogram(Bands, Frames);
        Data.CopyTo(copy.Data, 0);
        return copy;
    }

    public Span<double> Band(int band) => Data.AsSpan(band * Frames, Frames);

    /// <summary>Columns [start, start + width) as a band-major patch; columns past the end are zero (silence).</summary>
    public double[] Patch(int start, int width)
    {
        var patch = new double[Bands * width];
        int from = Math.Max(0, start), to = Math.Min(Frames, start + width);
        for (int b = 0; b < Bands; b++)
            for (int c = from; c < to; c++) patch[b * width + (c - start)] = Data[b * Frames + c];
        return patch;
    }

    /// <summary>
    /// Brings a reference/degraded pair to the comparable dB scale of google/visqol `MiscAudio::PrepareSpectrogramsForComparison`:
    /// 10·log10 of the band RMS (epsilon for exact zeros), an absolute floor at -45 dB, a per-frame floor 45 dB under the louder
    /// of the two frames' peaks, then both shifted so the lowest value of either is 0.
    /// </summary>
    public static void PrepareForComparison(BandSpectrogram reference, BandSpectrogram degraded)
    {
        const double absoluteFloorDb = -45.0, relativeFloorDb = 45.0;
        const double MachineEpsilon = 2.220446049250313e-16; // C++ numeric_limits<double>::epsilon, used for exact zeros
        foreach (var s in new[] { reference, degraded })
        {
            var d = s.Data;
            for (int i = 0; i < d.Length; i++)
            {
                double v = Math.Abs(d[i]);
                if (v == 0) v = MachineEpsilon;
                d[i] = Math.Max(absoluteFloorDb, 10 * Math.Log10(v));
            }
        }
        int frames = Math.Min(reference.Frames, degraded.Frames);
        for (int f = 0; f < frames; f++)
        {
            double max = double.NegativeInfinity;
            for (int b = 0; b < reference.Bands; b++) max = Math.Max(max, reference.Data[b * reference.Frames + f]);
            for (int b = 0; b < degraded.Bands; b++) max = Math.Max(max, degraded.Data[b * degraded.Frames + f]);
            double floor = max - relativeFloorDb;
            for (int b = 0; b < reference.Bands; b++)
            {
                ref double v = ref reference.Data[b * reference.Frames + f];
                v = Math.Max(floor, v);
            }
            for (int b = 0; b < degraded.Bands; b++)
            {
                ref double v = ref degraded.Data[b * degraded.Frames + f];
                v = Math.Max(floor, v);
            }
        }
        double lowest = Math.Min(Min(reference.Data), Min(degraded.Data));
        for (int i = 0; i < reference.Data.Length; i++) reference.Data[i] -= lowest;
        for (int i = 0; i < degraded.Data.Length; i++) degraded.Data[i] -= lowest;
    }

    private static double Min(double[] data)
    {
        double m = double.PositiveInfinity;
        foreach (var v in data) m = Math.Min(m, v);
        return m;
    }
}
