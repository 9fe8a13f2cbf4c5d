namespace LatentAudio.Metrics.P862;

/// <summary>
/// The P.862 perceptual model and cognitive model (§10.2, reference `pesq_psychoacoustic_model`): Bark spectra of
/// both signals frame by frame at each utterance's delay, frequency-response compensation of the reference, frame
/// gain compensation, loudness, disturbance densities, re-alignment of bad intervals, and the aggregation to the
/// raw PESQ score. Inputs are the level-aligned, input-filtered signals, zero-padded to a common length.
/// </summary>
internal sealed class PerceptualModel
{
    private const float SilenceOf5Samples = 500f;      // CRITERIUM_FOR_SILENCE_OF_5_SAMPLES
    private const float BadFrameThreshold = 30f;       // THRESHOLD_BAD_FRAMES

    private readonly PesqRateProfile _rate;
    private readonly PesqFft _fft;

    public PerceptualModel(PesqRateProfile rate, PesqFft fft) { _rate = rate; _fft = fft; }

    public float RawScore(PesqSignal reference, PesqSignal degraded, UtterancePlan plan)
    {
        var rate = _rate;
        int ds = rate.Downsample, sb = rate.SearchBufferSamples, pad = rate.DataPadding, nf = rate.FrameLength;
        int hop = nf / 2, nb = rate.Bands.Count;
        int maxN = Math.Max(reference.Length, degraded.Length);
        float[] refData = reference.Data, degData = degraded.Data;

        // Leading/trailing reference silence (sum of 5 |samples| < 500) is excluded from the aggregation.
        int skipStart = 0;
        float sum5;
        do
        {
            sum5 = 0f;
            for (int i = 0; i < 5; i++) sum5 += Math.Abs(refData[sb + skipStart + i]);
            if (sum5 < SilenceOf5Samples) skipStart++;
        } while (sum5 < SilenceOf5Samples && skipStart < maxN / 2);
        int skipEnd = 0;
        do
        {
            sum5 = 0f;
            for (int i = 0; i < 5; i++) sum5 += Math.Abs(refData[maxN - sb + pad - 1 - skipEnd - i]);
            if (sum5 < SilenceOf5Samples) skipEnd++;
        } while (sum5 < SilenceOf5Samples && skipEnd < maxN / 2);

        int startFrame = skipStart / hop;
        int stopFrame = (maxN - 2 * sb + pad - skipEnd) / hop - 1;
        int frames = stopFrame + 1;
        if (frames <= 0) throw new InvalidInputException("PESQ: the reference has no frames outside its silent edges");

        var spectrum = new BarkSpectrum(rate, _fft);
        var refDensity = new float[frames * nb];
        var degDensity = new float[frames * nb];
        var silent = new bool[frames];
        var frameModel = new FrameDisturbance(rate);
        for (int f = 0; f < frames; f++)
        {
            int refStart = sb + f * hop;
            int degStart = refStart + plan.DelayAt(refStart, ds);
            spectrum.Compute(refData, refStart, refDensity.AsSpan(f * nb, nb));
            if (degStart > 0 && degStart + nf < maxN + pad) spectrum.Compute(degData, degStart, degDensity.AsSpan(f * nb, nb));
            else spectrum.Silence(degDensity.AsSpan(f * nb, nb));
            silent[f] = frameModel.TotalAudible(refDensity.AsSpan(f * nb, nb), 1e2f) < 1e7f;
        }

        // Frequency-response compensation: the reference is shaped by the ratio of the degraded to the reference
        // average audible spectrum over speech frames (P.862 §10.2.4).
        int totalFrames = (maxN - 2 * sb + pad) / hop - 1;
        var avgRef = TimeAverageAudible(refDensity, silent, frames, totalFrames);
        var avgDeg = TimeAverageAudible(degDensity, silent, frames, totalFrames);
        for (int b = 0; b < nb; b++)
        {
            float x = (avgDeg[b] + 1000f) / (avgRef[b] + 1000f);
            if (x > 100f) x = 100f;
            if (x < 0.01f) x = 0.01f;
            for (int f = 0; f < frames; f++) refDensity[f * nb + b] *= x;
        }

        var symmetric = new float[frames];
        var asymmetric = new float[frames];
        var refAudible = new float[frames];
        bool anyBad = false;
        for (int f = 0; f < frames; f++)
        {
            var r = refDensity.AsSpan(f * nb, nb);
            refAudible[f] = frameModel.TotalAudible(r, 1f);
            (symmetric[f], asymmetric[f]) = frameModel.Compute(r, degDensity.AsSpan(f * nb, nb), f == 0);
            if (symmetric[f] > BadFrameThreshold) anyBad = true;
        }

        SkipDelayJumps(plan, symmetric, asymmetric, stopFrame);

        if (anyBad)
        {
            var realigner = new BadIntervalRealigner(rate, _fft);
            realigner.Run(reference, degraded, plan, maxN, stopFrame, refDensity, degDensity, symmetric, asymmetric,
                spectrum, frameModel);
        }

        var timeWeight = new float[frames];
        for (int f = 0; f < frames; f++)
        {
            float h = 1f;
            if (stopFrame + 1 > 1000)
            {
                int n = (maxN - 2 * sb) / hop - 1;
                double factor = (n - 1000f) / 5500f;
                if (factor > 0.5f) factor = 0.5f;
                h = (float)((1.0f - factor) + factor * (float)f / n);
            }
            timeWeight[f] = h;
        }

        for (int f = 0; f < frames; f++)
        {
            float h = (float)Math.Pow((refAudible[f] + 1e5) / 1e7, 0.04);
            symmetric[f] /= h;
            asymmetric[f] /= h;
            if (symmetric[f] > 45) symmetric[f] = 45;
            if (asymmetric[f] > 45) asymmetric[f] = 45;
        }

        float d = DisturbanceAggregation.Lpq(startFrame, stopFrame, 6, 2, symmetric, timeWeight);
        float a = DisturbanceAggregation.Lpq(startFrame, stopFrame, 6, 2, asymmetric, timeWeight);
        return MosMapping.RawScore(d, a);
    }

    private float[] TimeAverageAudible(float[] density, bool[] silent, int frames, int totalFrames)
    {
        var t = _rate.Bands;
        var avg = new float[t.Count];
        for (int b = 0; b < t.Count; b++)
        {
            double result = 0;
            for (int f = 0; f < frames; f++)
            {
                if (silent[f]) continue;
                float h = density[f * t.Count + b];
                if (h > 100 * t.AbsThresholdPower[b]) result += h;
            }
            avg[b] = (float)(result / totalFrames);
        }
        return avg;
    }

    /// <summary>
    /// Frames around a backward delay jump of more than half a frame between utterances are skipped (their
    /// disturbance set to 0), as the reference does.
    /// </summary>
    private void SkipDelayJumps(UtterancePlan plan, float[] symmetric, float[] asymmetric, int stopFrame)
    {
        int ds = _rate.Downsample, sbw = PesqRateProfile.SearchBufferWindows, hop = _rate.FrameLength / 2;
        for (int u = 1; u < plan.Count; u++)
        {
            int frame1 = ((plan.Start[u] - sbw) * ds + plan.Delay[u]) / hop;
            int j = ((plan.End[u - 1] - sbw) * ds + plan.Delay[u - 1]) / hop;
            int jump = plan.Delay[u] - plan.Delay[u - 1];
            if (frame1 > j) frame1 = j;
            if (frame1 < 0) frame1 = 0;
            if (jump < -hop)
            {
                int frame2 = ((plan.Start[u] - sbw) * ds + Math.Max(0, Math.Abs(jump))) / hop + 1;
                for (int f = frame1; f <= frame2; f++)
                {
                    if (f < stopFrame) { symmetric[f] = 0; asymmetric[f] = 0; }
                }
            }
        }
    }
}
