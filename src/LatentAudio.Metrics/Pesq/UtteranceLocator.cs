namespace LatentAudio.Metrics.P862;

/// <summary>
/// Utterance identification and per-utterance alignment (P.862 §10.3.2–10.3.4, reference `utterance_locate`,
/// `id_searchwindows`, `id_utterances`): speech runs of the reference VAD of at least 50 windows (200 ms) that lie
/// within the delayed degraded file become utterances; each gets an envelope delay and a fine delay; utterance
/// boundaries are then placed midway between speech runs and clipped to the degraded file.
/// </summary>
internal static class UtteranceLocator
{
    private const int MinUtteranceWindows = 50; // MINUTTLENGTH

    public static UtterancePlan Locate(PesqSignal reference, PesqSignal degraded, VoiceActivity refVad, VoiceActivity degVad,
        PesqRateProfile rate, PesqFft fft)
    {
        int ds = rate.Downsample;
        var plan = new UtterancePlan(refVad.Windows / MinUtteranceWindows + 2)
        {
            CrudeDelay = EnvelopeAlignment.WholeSignal(refVad, degVad, ds, fft),
        };
        FindSearchWindows(plan, refVad, degraded.Length, ds);
        if (plan.Count == 0) return plan;

        var block = new BlockCorrelator(rate.AlignNfft, fft);
        var histogram = new DelayHistogram(rate.AlignNfft);
        for (int u = 0; u < plan.Count; u++)
        {
            plan.DelayEstimate[u] = EnvelopeAlignment.Segment(refVad.LogVad, degVad.LogVad, degVad.Windows,
                plan.SearchStart[u], plan.SearchEnd[u], plan.CrudeDelay, ds, fft);
            FineAlignment.Run(plan, u, reference, degraded, rate, block, histogram);
        }
        PlaceBoundaries(plan, refVad, degraded.Length, ds);
        UtteranceSplitter.Split(plan, reference, degraded, refVad, degVad, rate, fft, block, histogram);
        return plan;
    }

    private static (int DegStart, int DegEnd) AcceptanceLimits(UtterancePlan plan, int degLength, int ds) =>
        (MinUtteranceWindows - plan.CrudeDelay / ds, (degLength - plan.CrudeDelay) / ds - MinUtteranceWindows);

    private static void FindSearchWindows(UtterancePlan plan, VoiceActivity refVad, int degLength, int ds)
    {
        int n = refVad.Windows, sb = PesqRateProfile.SearchBufferWindows;
        var (degStart, degEnd) = AcceptanceLimits(plan, degLength, ds);
        int count = 0, runStart = 0;
        bool inSpeech = false;
        for (int w = 0; w < n; w++)
        {
            float v = refVad.Vad[w];
            if (v > 0f && !inSpeech)
            {
                inSpeech = true;
                runStart = w;
                plan.SearchStart[count] = Math.Max(w - sb, 0);
            }
            if ((v == 0f || w == n - 1) && inSpeech)
            {
                inSpeech = false;
                plan.SearchEnd[count] = Math.Min(w + sb, n - 1);
                if (w - runStart >= MinUtteranceWindows && runStart < degEnd && w > degStart) count++;
            }
        }
        plan.Count = count;
    }

    private static void PlaceBoundaries(UtterancePlan plan, VoiceActivity refVad, int degLength, int ds)
    {
        int n = refVad.Windows, sb = PesqRateProfile.SearchBufferWindows;
        var (degStart, degEnd) = AcceptanceLimits(plan, degLength, ds);
        int count = 0, runStart = 0;
        bool inSpeech = false;
        for (int w = 0; w < n; w++)
        {
            float v = refVad.Vad[w];
            if (v > 0f && !inSpeech) { inSpeech = true; runStart = w; plan.Start[count] = w; }
            if ((v == 0f || w == n - 1) && inSpeech)
            {
                inSpeech = false;
                plan.End[count] = w;
                if (w - runStart >= MinUtteranceWindows && runStart < degEnd && w > degStart) count++;
            }
        }

        int last = plan.Count - 1;
        plan.Start[0] = sb;
        plan.End[last] = n - sb;
        for (int u = 1; u < plan.Count; u++)
        {
            int mid = (plan.Start[u] + plan.End[u - 1]) / 2;
            plan.Start[u] = mid;
            plan.End[u - 1] = mid;
        }

        if (plan.Start[0] * ds + plan.Delay[0] < sb * ds)
            plan.Start[0] = sb + (ds - 1 - plan.Delay[0]) / ds;
        if (plan.End[last] * ds + plan.Delay[last] > degLength - sb * ds)
            plan.End[last] = (degLength - plan.Delay[last]) / ds - sb;

        for (int u = 1; u < plan.Count; u++)
        {
            int thisStart = plan.Start[u] * ds + plan.Delay[u];
            int lastEnd = plan.End[u - 1] * ds + plan.Delay[u - 1];
            if (thisStart < lastEnd)
            {
                int mid = (thisStart + lastEnd) / 2;
                plan.Start[u] = (ds - 1 + mid - plan.Delay[u]) / ds;
                plan.End[u - 1] = (mid - plan.Delay[u - 1]) / ds;
            }
        }
    }
}
