namespace LatentAudio.Metrics.P862;

/// <summary>
/// Aggregation of frame disturbances over time (P.862 §10.2.10–10.2.11, reference `Lpq_weight`): an L_p norm over
/// "split seconds" of 20 frames (320 ms) with 50 % overlap (the count is always 20, also past the last frame),
/// then a time-weighted L_q norm over the split seconds.
/// </summary>
internal static class DisturbanceAggregation
{
    private const int FramesPerSyllable = 20;

    public static float Lpq(int startFrame, int stopFrame, float p, float q, float[] disturbance, float[] timeWeight)
    {
        double resultTime = 0, totalWeight = 0;
        for (int s = startFrame; s <= stopFrame; s += FramesPerSyllable / 2)
        {
            double syllable = 0;
            int count = 0;
            for (int f = s; f < s + FramesPerSyllable; f++)
            {
                if (f <= stopFrame) syllable += Math.Pow(disturbance[f], p);
                count++;
            }
            syllable /= count;
            syllable = Math.Pow(syllable, 1.0 / p);
            // The reference indexes the time weight by the offset from the first frame.
            double w = timeWeight[s - startFrame];
            resultTime += Math.Pow(w * syllable, q);
            totalWeight += Math.Pow(w, q);
        }
        resultTime /= totalWeight;
        return (float)Math.Pow(resultTime, (float)1 / q);
    }
}
