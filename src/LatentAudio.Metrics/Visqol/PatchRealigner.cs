using System.Runtime.InteropServices;

namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>
/// Fine alignment of each matched patch pair (Chinen et al. 2020 §2.2: "realignment"): the two patches' audio is cut out,
/// aligned by envelope cross-correlation and trimmed to a common length, their spectrograms rebuilt and compared again;
/// the better of the coarse and the realigned similarity is kept (google/visqol `FinelyAlignAndRecreatePatches`).
/// </summary>
internal static class PatchRealigner
{
    /// <param name="referenceLevels">The gammatone spectrogram of the whole <paramref name="reference"/> as built (band
    /// RMS, before <see cref="BandSpectrogram.PrepareForComparison"/>), or null; likewise <paramref name="degradedLevels"/>.
    /// A realigned patch that is a plain slice of its signal starting on a frame boundary has exactly those frames, so
    /// they are copied instead of filtered again (the filterbank is most of ViSQOL's time).</param>
    public static List<PatchMatch> Realign(IReadOnlyList<PatchMatch> matches, double[] reference, double[] degraded,
        int sampleRate, GammatoneFilterbank bank, BandSpectrogram? referenceLevels = null, BandSpectrogram? degradedLevels = null)
    {
        var plans = new FftPlans();
        var result = new List<PatchMatch>(matches.Count);
        foreach (var m in matches)
        {
            if (m.IsUnmatched) { result.Add(m); continue; }
            var refAudio = Slice(reference, m.RefStart, m.RefEnd, sampleRate, out int refFirst);
            var degAudio = Slice(degraded, m.DegStart, m.DegEnd, sampleRate, out int degFirst);
            var (refAligned, degAligned, lag, refSkip, degSkip) = SignalAlignment.AlignAndTruncateAt(refAudio, degAudio, sampleRate, plans);
            var refSpec = FramesOf(refAligned, refFirst + refSkip, reference, referenceLevels, bank)
                ?? GammatoneSpectrogram.Build(refAligned, bank);
            var degSpec = FramesOf(degAligned, degFirst + degSkip, degraded, degradedLevels, bank)
                ?? GammatoneSpectrogram.Build(degAligned, bank);
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
    internal static double[] Slice(double[] signal, double start, double end, int sampleRate) =>
        Slice(signal, start, end, sampleRate, out _);

    /// <summary>As above; <paramref name="first"/> is the signal index that the result's first sample would have
    /// (its padding counted as samples before <c>from</c>).</summary>
    private static double[] Slice(double[] signal, double start, double end, int sampleRate, out int first)
    {
        int from = Math.Max(0, (int)(start * sampleRate));
        int to = Math.Min(signal.Length - 1, (int)(end * sampleRate));
        int count = Math.Max(0, to - from);
        double overrun = end * sampleRate - signal.Length;
        int padFront = overrun > 0 ? (int)overrun : 0;
        if (start < 0) padFront += (int)(-1 * start * sampleRate);
        var result = new double[padFront + count];
        Array.Copy(signal, from, result, padFront, count);
        first = from - padFront;
        return result;
    }

    /// <summary>
    /// The spectrogram <see cref="GammatoneSpectrogram.Build"/> would give for <paramref name="patch"/>, taken from
    /// <paramref name="levels"/> (the whole <paramref name="signal"/>'s) when the patch's analysed samples are bit for bit
    /// <paramref name="signal"/>[<paramref name="offset"/> ..] and the offset is a whole number of hops: every frame is then
    /// the same windowed samples through the same filters from rest, so the same numbers. Null when not.
    /// </summary>
    private static BandSpectrogram? FramesOf(double[] patch, int offset, double[] signal, BandSpectrogram? levels, GammatoneFilterbank bank)
    {
        if (levels is null) return null;
        int size = GammatoneSpectrogram.WindowSize(bank.SampleRate), hop = GammatoneSpectrogram.Hop(bank.SampleRate);
        if (patch.Length <= size || offset < 0 || offset % hop != 0) return null;
        int frames = 1 + (patch.Length - size) / hop, used = (frames - 1) * hop + size, first = offset / hop;
        if (first + frames > levels.Frames || offset + used > signal.Length) return null;
        // Bitwise comparison: the check must not treat -0.0 and 0.0 (or NaNs) as equal where the filter would not.
        if (!MemoryMarshal.AsBytes(patch.AsSpan(0, used)).SequenceEqual(MemoryMarshal.AsBytes(signal.AsSpan(offset, used))))
            return null;
        var spec = new BandSpectrogram(levels.Bands, frames);
        for (int b = 0; b < levels.Bands; b++)
            Array.Copy(levels.Data, b * levels.Frames + first, spec.Data, b * frames, frames);
        return spec;
    }
}
