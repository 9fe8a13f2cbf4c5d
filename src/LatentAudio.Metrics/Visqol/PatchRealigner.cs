namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>
/// Fine alignment of each matched patch pair (Chinen et al. 2020 §2.2: "realignment"): the two patches' audio is cut out,
/// aligned by envelope cross-correlation and trimmed to a common length, their spectrograms rebuilt and compared again;
/// the better of the coarse and the realigned similarity is kept (google/visqol `FinelyAlignAndRecreatePatches`).
/// </summary>
internal static class PatchRealigner
{
    public static List<PatchMatch> Realign(IReadOnlyList<PatchMatch> matches, double[] reference, double[] degraded,
        int sampleRate, GammatoneFilterbank bank)
    {
        var plans = new FftPlans();
        var result = new List<PatchMatch>(matches.Count);
        foreach (var m in matches)
        {
            if (m.IsUnmatched) { result.Add(m); continue; }
            var refAudio = Slice(reference, m.RefStart, m.RefEnd, sampleRate);
            var degAudio = Slice(degraded, m.DegStart, m.DegEnd, sampleRate);
            var (refAligned, degAligned, lag) = SignalAlignment.AlignAndTruncate(refAudio, degAudio, sampleRate, plans);
            var refSpec = GammatoneSpectrogram.Build(refAligned, bank);
            var degSpec = GammatoneSpectrogram.Build(degAligned, bank);
            BandSpectrogram.PrepareForComparison(refSpec, degSpec);
            if (refSpec.Frames != degSpec.Frames)
                throw new InvalidOperationException("realigned patch spectrograms differ in length");
            var sim = Nsim.Measure(refSpec.Data, degSpec.Data, refSpec.Bands, refSpec.Frames);
            if (sim.Similarity < m.Similarity) { result.Add(m); continue; }
            double refStart = lag > 0 ? m.RefStart + lag : m.RefStart;
            double degStart = lag > 0 ? m.DegStart : m.DegStart - lag;
            result.Add(new PatchMatch(sim.Similarity, sim.BandMeans,
                refStart, refStart + (double)refAligned.Length / sampleRate,
                degStart, degStart + (double)degAligned.Length / sampleRate));
        }
        return result;
    }

    /// <summary>
    /// Samples [trunc(start·sr), min(n − 1, trunc(end·sr))) of <paramref name="signal"/>; when the end lies past the signal the
    /// missing length is added as leading silence, which is where the reference's `Slice` puts it.
    /// </summary>
    internal static double[] Slice(double[] signal, double start, double end, int sampleRate)
    {
        int from = Math.Max(0, (int)(start * sampleRate));
        int to = Math.Min(signal.Length - 1, (int)(end * sampleRate));
        int count = Math.Max(0, to - from);
        double overrun = end * sampleRate - signal.Length;
        int padFront = overrun > 0 ? (int)overrun : 0;
        if (start < 0) padFront += (int)(-1 * start * sampleRate);
        var result = new double[padFront + count];
        Array.Copy(signal, from, result, padFront, count);
        return result;
    }
}
