namespace LatentAudio.Metrics.P862;

/// <summary>
/// Per-utterance fine alignment (P.862 §10.3.3, reference `time_align`): Hann-windowed blocks of AlignNfft
/// samples, hop AlignNfft/4, over the utterance's search window at its crude delay; the smoothed histogram of
/// correlation-peak lags gives the sample-accurate delay and a confidence.
/// </summary>
internal static class FineAlignment
{
    public static void Run(UtterancePlan plan, int utt, PesqSignal reference, PesqSignal degraded, PesqRateProfile rate,
        BlockCorrelator block, DelayHistogram histogram)
    {
        int n = rate.AlignNfft, ds = rate.Downsample;
        int estimate = plan.DelayEstimate[utt];
        histogram.Clear();
        long startr = (long)plan.SearchStart[utt] * ds;
        long startd = startr + estimate;
        if (startd < 0) { startr = -estimate; startd = 0; }
        long endr = (long)plan.SearchEnd[utt] * ds;
        while (startd + n <= degraded.Length && startr + n <= endr)
        {
            float threshold = block.Correlate(reference.Data, (int)startr, degraded.Data, (int)startd);
            histogram.AddHits(block, threshold);
            startr += n / 4;
            startd += n / 4;
        }
        var (lag, confidence) = histogram.SmoothedPeak();
        plan.Delay[utt] = estimate + lag;
        plan.DelayConfidence[utt] = confidence;
    }
}
