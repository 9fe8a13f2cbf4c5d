namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>
/// Finds, for the ordered reference patches, the degraded patches that maximise the summed NSIM under the constraint
/// that matches keep their order (a dynamic-time-warping style search; Chinen et al. 2020 §2.2; google/visqol
/// `comparison_patches_selector.cc` FindMostOptimalDegPatches). Each patch is searched within
/// radius x patch-width frames of its own position; a patch may be left unmatched when skipping it scores higher.
/// </summary>
internal sealed class PatchSelector
{
    private readonly BandSpectrogram _deg;
    private readonly int _bands, _width;
    private readonly double[] _degExt;        // the degraded spectrogram extended by a patch width of silence
    private readonly double[] _degMu, _degSq; // its windowed means and windowed squares
    private readonly int _mapWidth;

    public PatchSelector(BandSpectrogram degraded, int patchWidth)
    {
        _deg = degraded;
        _bands = degraded.Bands;
        _width = patchWidth;
        _mapWidth = degraded.Frames + patchWidth;
        var ext = degraded.Patch(0, _mapWidth); // zero past the end, as degraded patches are padded
        var sq = new double[ext.Length];
        for (int i = 0; i < ext.Length; i++) sq[i] = ext[i] * ext[i];
        _degMu = new double[ext.Length];
        _degSq = new double[ext.Length];
        Nsim.Convolve(ext, _bands, _mapWidth, _degMu);
        Nsim.Convolve(sq, _bands, _mapWidth, _degSq);
        _degExt = ext;
    }

    public List<PatchMatch> Select(IReadOnlyList<int> refIndices, BandSpectrogram reference, double frameDuration, int searchRadius)
    {
        int framesDeg = _deg.Frames;
        double patchDuration = frameDuration * _width;
        int searchWindow = searchRadius * _width;
        int numPatches = refIndices.Count;
        // The last patches may start at most half a patch past the degraded end.
        while (numPatches > 0 && refIndices[numPatches - 1] - Math.Floor(_width / 2.0) > framesDeg) numPatches--;
        if (numPatches == 0)
            throw new InvalidInputException("ViSQOL: the degraded signal is too short, different or misaligned to score any reference patch");

        var refPatches = new RefPatch[numPatches];
        for (int p = 0; p < numPatches; p++) refPatches[p] = new RefPatch(reference.Patch(refIndices[p], _width), _bands, _width);

        var dp = new double[numPatches][];
        var back = new int[numPatches][];
        var scratch = new Scratch(_bands * _width, Nsim.PaddedLength(_bands, _width));
        for (int p = 0; p < numPatches; p++)
        {
            dp[p] = new double[framesDeg];
            back[p] = new int[framesDeg];
            int refFrame = refIndices[p];
            int lowerPrev = p > 0 ? Math.Max(refIndices[p - 1] - searchWindow, 0) : 0;
            // Running maximum of dp[p-1][lowerPrev .. s-1]; ties go to the later offset, as a backwards scan with '>' finds.
            double runMax = double.MinValue;
            int runArg = -1, scanned = lowerPrev;
            for (int s = Math.Max(0, refFrame - searchWindow); s <= refFrame + searchWindow && s < framesDeg; s++)
            {
                double sim = Similarity(refPatches[p], s, scratch);
                int past = -1;
                if (p > 0)
                {
                    for (; scanned <= s - 1; scanned++)
                        if (dp[p - 1][scanned] >= runMax && !(runArg == -1 && dp[p - 1][scanned] == double.MinValue))
                        { runMax = dp[p - 1][scanned]; runArg = scanned; }
                    double highest = runArg >= 0 ? runMax : double.MinValue;
                    past = runArg;
                    sim += highest;
                    if (dp[p - 1][s] > sim) { sim = dp[p - 1][s]; past = s; }
                }
                dp[p][s] = sim;
                back[p][s] = past;
            }
        }

        int last = numPatches - 1;
        double bestScore = double.MinValue;
        int offset = -1;
        for (int s = Math.Max(0, refIndices[last] - searchWindow); s <= refIndices[last] + searchWindow && s < framesDeg; s++)
            if (dp[last][s] > bestScore) { bestScore = dp[last][s]; offset = s; }

        var matches = new PatchMatch[numPatches];
        for (int p = last; p >= 0; p--)
        {
            double refStart = refIndices[p] * frameDuration;
            if (offset < 0)
            {
                matches[p] = new PatchMatch(0, new double[_bands], refStart, refStart + patchDuration, 0, 0);
                continue;
            }
            var sim = Nsim.Measure(refPatches[p].Data, _deg.Patch(offset, _width), _bands, _width);
            int prev = back[p][offset];
            if (offset == prev)
                matches[p] = new PatchMatch(0, new double[_bands], refStart, refStart + patchDuration, 0, 0);
            else
            {
                double degStart = offset * frameDuration;
                matches[p] = new PatchMatch(sim.Similarity, sim.BandMeans, refStart, refStart + patchDuration, degStart, degStart + patchDuration);
            }
            offset = prev;
        }
        return [.. matches];
    }

    /// <summary>NSIM of a reference patch against the degraded patch at <paramref name="offset"/>, reusing the degraded
    /// windowed sums of the whole spectrogram for the interior columns (bit-identical to computing them on the patch).</summary>
    private double Similarity(RefPatch r, int offset, Scratch s)
    {
        int bands = _bands, w = _width, mw = _mapWidth;
        var deg = s.Deg; var prod = s.Product;
        for (int b = 0; b < bands; b++)
        {
            Array.Copy(_degExt, b * mw + offset, deg, b * w, w);
            Array.Copy(_degMu, b * mw + offset, s.MuD, b * w, w);
            Array.Copy(_degSq, b * mw + offset, s.Dd, b * w, w);
        }
        for (int i = 0; i < deg.Length; i++) prod[i] = r.Data[i] * deg[i];
        // Patch edge columns see the replicated border, not the neighbouring frames (only columns 0, 1, w-2, w-1 are read).
        for (int b = 0; b < bands; b++)
            foreach (int c in (ReadOnlySpan<int>)[0, 1, w - 2, w - 1]) s.Sq[b * w + c] = deg[b * w + c] * deg[b * w + c];
        for (int b = 0; b < bands; b++)
            foreach (int c in (ReadOnlySpan<int>)[0, w - 1])
            {
                s.MuD[b * w + c] = Nsim.At(deg, bands, w, b, c, 0, w - 1);
                s.Dd[b * w + c] = Nsim.At(s.Sq, bands, w, b, c, 0, w - 1);
            }
        Nsim.Convolve(prod, bands, w, s.Rd, s.Padded);
        return Nsim.Combine(r.Mu, r.Sq, s.MuD, s.Dd, s.Rd, bands, w).Similarity;
    }

    private sealed class RefPatch
    {
        public RefPatch(double[] data, int bands, int width)
        {
            Data = data;
            Mu = new double[data.Length];
            Sq = new double[data.Length];
            var sq = new double[data.Length];
            for (int i = 0; i < data.Length; i++) sq[i] = data[i] * data[i];
            Nsim.Convolve(data, bands, width, Mu);
            Nsim.Convolve(sq, bands, width, Sq);
        }

        public double[] Data { get; }
        public double[] Mu { get; }
        public double[] Sq { get; }
    }

    private sealed class Scratch(int n, int padded)
    {
        public double[] Padded { get; } = new double[padded];
        public double[] Deg { get; } = new double[n];
        public double[] Sq { get; } = new double[n];
        public double[] Product { get; } = new double[n];
        public double[] MuD { get; } = new double[n];
        public double[] Dd { get; } = new double[n];
        public double[] Rd { get; } = new double[n];
    }
}
