namespace LatentAudio.Metrics.P862;

/// <summary>
/// Re-alignment of bad intervals (P.862 §10.2.8, reference `pesq_psychoacoustic_model` after THRESHOLD_BAD_FRAMES):
/// runs of at least 5 frames whose symmetric disturbance exceeds 30 (after a ±2 frame smear) are aligned again by
/// correlating the sample magnitudes of the reference with the utterance-aligned degraded signal over ±4 frames;
/// with a normalised correlation of at least 0.5 the frames are recomputed at the new delay and each frame keeps
/// the smaller of its old and new disturbances.
/// </summary>
internal sealed class BadIntervalRealigner
{
    private const float BadFrameThreshold = 30f;
    private const int SmearRange = 2;
    private const int MinBadFrames = 5;
    private const int SearchRangeInFrames = 4;  // SEARCH_RANGE_IN_TRANSFORM_LENGTH

    private readonly PesqRateProfile _rate;
    private readonly PesqFft _fft;

    public BadIntervalRealigner(PesqRateProfile rate, PesqFft fft) { _rate = rate; _fft = fft; }

    private readonly record struct Interval(int StartFrame, int StopFrame, int StartSample, int StopSample);

    public void Run(PesqSignal reference, PesqSignal degraded, UtterancePlan plan, int maxN, int stopFrame,
        float[] refDensity, float[] degDensity, float[] symmetric, float[] asymmetric,
        BarkSpectrum spectrum, FrameDisturbance frameModel)
    {
        int ds = _rate.Downsample, sb = _rate.SearchBufferSamples, pad = _rate.DataPadding, nf = _rate.FrameLength;
        int hop = nf / 2, nb = _rate.Bands.Count;

        // The degraded signal with every utterance's delay applied (reference `tweaked_deg`).
        int nn = pad + maxN;
        var tweaked = new float[nn];
        for (int i = sb; i < nn - sb; i++)
        {
            int j = i + plan.DelayAt(i, ds);
            if (j < sb) j = sb;
            if (j >= nn - sb) j = nn - sb - 1;
            tweaked[i] = degraded.Data[j];
        }

        var intervals = FindIntervals(symmetric, stopFrame, hop, nf, sb);
        if (intervals.Count == 0) return;

        int range = SearchRangeInFrames * nf;
        var delays = new int[intervals.Count];
        for (int k = 0; k < intervals.Count; k++)
        {
            var iv = intervals[k];
            int len = iv.StopSample - iv.StartSample;
            int total = 2 * range + len;
            var refPart = new double[total];
            var degPart = new double[total];
            for (int i = 0; i < len; i++) refPart[range + i] = reference.Data[iv.StartSample + i];
            int limit = maxN - sb + pad;
            for (int i = 0; i < total; i++)
            {
                int j = iv.StartSample - range + i;
                if (j < sb) j = sb;
                if (j >= limit) j = limit - 1;
                degPart[i] = tweaked[j];
            }
            var (delay, correlation) = MagnitudeDelay(refPart, degPart, range);
            delays[k] = correlation < 0.5 ? 0 : delay;
        }

        var doubly = new float[maxN + pad];
        Array.Copy(tweaked, doubly, Math.Min(tweaked.Length, doubly.Length));
        for (int k = 0; k < intervals.Count; k++)
        {
            var iv = intervals[k];
            for (int i = iv.StartSample; i < iv.StopSample; i++)
            {
                int j = i + delays[k];
                if (j < 0) j = 0;
                if (j >= maxN) j = maxN - 1;
                doubly[i] = tweaked[j];
            }
        }

        foreach (var iv in intervals)
        {
            for (int f = iv.StartFrame; f < iv.StopFrame; f++)
                spectrum.Compute(doubly, sb + f * hop, degDensity.AsSpan(f * nb, nb));
            frameModel.ResetGain();
            for (int f = iv.StartFrame; f < iv.StopFrame; f++)
            {
                var (s, a) = frameModel.Compute(refDensity.AsSpan(f * nb, nb), degDensity.AsSpan(f * nb, nb), f == 0);
                symmetric[f] = Math.Min(symmetric[f], s);
                asymmetric[f] = Math.Min(asymmetric[f], a);
            }
        }
    }

    private static List<Interval> FindIntervals(float[] symmetric, int stopFrame, int hop, int nf, int sb)
    {
        int frames = stopFrame + 1;
        var bad = new bool[frames];
        for (int f = 0; f < frames; f++) bad[f] = symmetric[f] > BadFrameThreshold;
        bad[0] = false;
        var smeared = new bool[frames];
        for (int f = SmearRange; f < stopFrame - SmearRange; f++)
        {
            bool left = false, right = false;
            for (int i = -SmearRange; i <= 0; i++) left |= bad[f + i];
            for (int i = 0; i <= SmearRange; i++) right |= bad[f + i];
            smeared[f] = left && right;
        }

        var result = new List<Interval>();
        int frame = 0;
        while (frame <= stopFrame)
        {
            while (frame <= stopFrame && !smeared[frame]) frame++;
            if (frame > stopFrame) break;
            int start = frame;
            while (frame <= stopFrame && smeared[frame]) frame++;
            if (frame > stopFrame) break;
            if (frame - start >= MinBadFrames)
            {
                int startSample = start * hop + sb;
                int stopSample = frame * hop + nf + sb;
                result.Add(new Interval(start, Math.Min(frame, stopFrame), startSample, stopSample));
            }
        }
        return result;
    }

    /// <summary>
    /// Lag in [−range, range) maximising the normalised cross-correlation of |ref| and |deg| (reference
    /// `compute_delay`); (0, 0) when either side has (almost) no power.
    /// </summary>
    private (int Delay, float Correlation) MagnitudeDelay(double[] reference, double[] degraded, int range)
    {
        int n = reference.Length;
        int size = PesqFft.NextPow2(2 * n);
        double p1 = 0, p2 = 0;
        for (int i = 0; i < n; i++)
        {
            float a = (float)reference[i], b = (float)degraded[i];
            p1 += a * a; p2 += b * b;
        }
        p1 = p1 / n * n / size;
        p2 = p2 / n * n / size;
        if (p1 <= 1e-6 || p2 <= 1e-6) return (0, 0f);
        double normalization = Math.Sqrt(p1 * p2);
        var a1 = new double[n]; var b1 = new double[n];
        for (int i = 0; i < n; i++) { a1[i] = Math.Abs(reference[i]); b1[i] = Math.Abs(degraded[i]); }
        var r = new double[size];
        _fft.CrossCorrelate(a1, b1, r);
        float best = 0f;
        int bestDelay = 0;
        for (int lag = -range; lag < range; lag++)
        {
            double h = (float)Math.Abs(r[(lag + size) % size] / size) / normalization;
            if (Math.Abs(h) > best) { best = (float)Math.Abs(h); bestDelay = lag; }
        }
        return (bestDelay, best);
    }
}
