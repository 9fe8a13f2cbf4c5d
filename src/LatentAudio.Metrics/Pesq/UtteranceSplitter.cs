namespace LatentAudio.Metrics.P862;

/// <summary>
/// Delay changes inside an utterance (P.862 §10.3.5, reference `utterance_split` / `split_align`): every long
/// utterance (≥ 200 speech windows) is tried at up to 40 break points; the parts before and after each break point
/// are aligned separately (envelope, then fine histogram), and the utterance is split at the break point where both
/// parts align with more confidence than the whole and their delays differ by at least one envelope window.
/// </summary>
internal static class UtteranceSplitter
{
    private const int MaxBreakPoints = 40;

    private readonly record struct SplitResult(int Ed1, int D1, float Dc1, int Ed2, int D2, float Dc2, int BreakPoint);

    public static void Split(UtterancePlan plan, PesqSignal reference, PesqSignal degraded, VoiceActivity refVad,
        VoiceActivity degVad, PesqRateProfile rate, PesqFft fft, BlockCorrelator block, DelayHistogram histogram)
    {
        int ds = rate.Downsample, sb = PesqRateProfile.SearchBufferWindows;
        int u = 0;
        while (u < plan.Count && plan.Count < UtterancePlan.MaxUtterances)
        {
            int est = plan.DelayEstimate[u];
            float conf = plan.DelayConfidence[u];
            // A split's delay correction can push an utterance's bounds outside the reference's windows (before 0 with a
            // large delay, past the end with a negative one); the C reference then reads outside its arrays, which is
            // undefined behaviour. Here an utterance stops at the signal: windows outside it are not speech.
            int start = Math.Max(plan.Start[u], 0), end = Math.Min(plan.End[u], refVad.Windows);
            int speechStart = start;
            while (speechStart < end && refVad.Vad[speechStart] <= 0f) speechStart++;
            int speechEnd = Math.Min(end, refVad.Windows - 1);
            while (speechEnd > start && refVad.Vad[speechEnd] <= 0f) speechEnd--;
            speechEnd++;
            if (speechEnd - speechStart < 200) { u++; continue; }

            var best = FindBreakPoint(reference, degraded, refVad, degVad, rate, fft, block, histogram,
                start, speechStart, speechEnd, end, est, conf);
            if (!(best.Dc1 > conf && best.Dc2 > conf)) { u++; continue; }

            for (int s = plan.Count - 1; s > u; s--)
            {
                plan.DelayEstimate[s + 1] = plan.DelayEstimate[s];
                plan.Delay[s + 1] = plan.Delay[s];
                plan.DelayConfidence[s + 1] = plan.DelayConfidence[s];
                plan.Start[s + 1] = plan.Start[s];
                plan.End[s + 1] = plan.End[s];
            }
            plan.Count++;
            plan.DelayEstimate[u] = best.Ed1; plan.Delay[u] = best.D1; plan.DelayConfidence[u] = best.Dc1;
            plan.DelayEstimate[u + 1] = best.Ed2; plan.Delay[u + 1] = best.D2; plan.DelayConfidence[u + 1] = best.Dc2;
            plan.Start[u] = start;
            plan.End[u + 1] = end;
            if (best.D2 < best.D1)
            {
                plan.End[u] = best.BreakPoint;
                plan.Start[u + 1] = best.BreakPoint;
            }
            else
            {
                plan.End[u] = best.BreakPoint + (best.D2 - best.D1) / (2 * ds);
                plan.Start[u + 1] = best.BreakPoint - (best.D2 - best.D1) / (2 * ds);
            }
            if ((plan.Start[u] - sb) * ds + best.D1 < 0)
                plan.Start[u] = sb + (ds - 1 - best.D1) / ds;
            if (plan.End[u + 1] * ds + best.D2 > degraded.Length - sb * ds)
                plan.End[u + 1] = (degraded.Length - best.D2) / ds - sb;
            // The same utterance index is examined again: its first part may split further.
        }
    }

    private static SplitResult FindBreakPoint(PesqSignal reference, PesqSignal degraded, VoiceActivity refVad,
        VoiceActivity degVad, PesqRateProfile rate, PesqFft fft, BlockCorrelator block, DelayHistogram histogram,
        int start, int speechStart, int speechEnd, int end, int est, float conf)
    {
        int n = rate.AlignNfft, ds = rate.Downsample;
        int len = speechEnd - speechStart;
        int delta = n / (4 * ds);
        int step = (int)((0.801 * len + 40 * delta - 1) / (40 * delta)) * delta;
        int pad = Math.Max(len / 10, 75);

        var bps = new int[MaxBreakPoints + 1];
        bps[0] = speechStart + pad;
        int count = 0;
        do
        {
            count++;
            bps[count] = bps[count - 1] + step;
        } while (bps[count] <= speechEnd - pad && count < MaxBreakPoints);

        var ed1 = new int[count]; var ed2 = new int[count];
        var d1 = new int[count]; var d2 = new int[count];
        var dc1 = new float[count]; var dc2 = new float[count];
        for (int b = 0; b < count; b++)
        {
            ed1[b] = EnvelopeAlignment.Segment(refVad.LogVad, degVad.LogVad, degVad.Windows, start, bps[b], est, ds, fft);
            ed2[b] = EnvelopeAlignment.Segment(refVad.LogVad, degVad.LogVad, degVad.Windows, bps[b], end, est, ds, fft);
        }

        // Forward pass: histogram of the part before each break point. Break points that share an envelope delay
        // share the histogram, which keeps growing block by block from the utterance start.
        const float Pending = -2.0f;
        Array.Fill(dc1, Pending);
        while (true)
        {
            int b = 0;
            while (b < count && dc1[b] > Pending) b++;
            if (b >= count) break;
            int delay = ed1[b];
            histogram.Clear();
            long startr = (long)start * ds, startd = startr + delay;
            if (startd < 0) { startr = -delay; startd = 0; }
            for (; b < count; b++)
            {
                if (ed1[b] != delay || dc1[b] > Pending) continue;
                while (startd + n <= degraded.Length && startr + n <= (long)bps[b] * ds)
                {
                    float t = block.Correlate(reference.Data, (int)startr, degraded.Data, (int)startd);
                    histogram.AddTriangles(block, t);
                    startr += n / 4; startd += n / 4;
                }
                var (lag, c) = histogram.RawPeak();
                d1[b] = delay + lag;
                dc1[b] = c;
            }
        }

        // Backward pass: histogram of the part after each break point, growing from the utterance end.
        for (int b = 0; b < count; b++) dc2[b] = dc1[b] > conf ? Pending : 0f;
        while (true)
        {
            int b = count - 1;
            while (b >= 0 && dc2[b] > Pending) b--;
            if (b < 0) break;
            int delay = ed2[b];
            histogram.Clear();
            long startr = (long)end * ds - n, startd = startr + delay;
            if (startd + n > degraded.Length) { startd = degraded.Length - n; startr = startd - delay; }
            for (; b >= 0; b--)
            {
                if (ed2[b] != delay || dc2[b] > Pending) continue;
                while (startd >= 0 && startr >= (long)bps[b] * ds)
                {
                    float t = block.Correlate(reference.Data, (int)startr, degraded.Data, (int)startd);
                    histogram.AddTriangles(block, t);
                    startr -= n / 4; startd -= n / 4;
                }
                var (lag, c) = histogram.RawPeak();
                d2[b] = delay + lag;
                dc2[b] = c;
            }
        }

        var best = new SplitResult(0, 0, 0f, 0, 0, 0f, 0);
        for (int b = 0; b < count; b++)
        {
            if (Math.Abs(d2[b] - d1[b]) >= ds && dc1[b] + dc2[b] > best.Dc1 + best.Dc2 && dc1[b] > conf && dc2[b] > conf)
                best = new SplitResult(ed1[b], d1[b], dc1[b], ed2[b], d2[b], dc2[b], bps[b]);
        }
        return best;
    }
}
