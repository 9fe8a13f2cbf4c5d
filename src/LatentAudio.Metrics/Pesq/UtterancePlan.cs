namespace LatentAudio.Metrics.P862;

/// <summary>
/// The result of time alignment (the reference's ERROR_INFO): the utterances of the reference in envelope windows,
/// and for each its delay estimate, fine delay (samples, degraded minus reference) and confidence.
/// </summary>
internal sealed class UtterancePlan
{
    /// <summary>At most this many utterances after splitting (MAXNUTTERANCES).</summary>
    public const int MaxUtterances = 50;

    public int Count { get; set; }
    /// <summary>Delay of the whole file from the envelope correlation, samples.</summary>
    public int CrudeDelay { get; set; }
    public int[] SearchStart { get; }
    public int[] SearchEnd { get; }
    public int[] DelayEstimate { get; }
    public int[] Delay { get; }
    public float[] DelayConfidence { get; }
    public int[] Start { get; }
    public int[] End { get; }

    public UtterancePlan(int capacity)
    {
        capacity = Math.Max(capacity, MaxUtterances + 1);
        SearchStart = new int[capacity]; SearchEnd = new int[capacity];
        DelayEstimate = new int[capacity]; Delay = new int[capacity]; DelayConfidence = new float[capacity];
        Start = new int[capacity]; End = new int[capacity];
    }

    /// <summary>Delay of the utterance that covers reference sample <paramref name="sample"/>.</summary>
    public int DelayAt(long sample, int downsample)
    {
        int u = Count - 1;
        while (u >= 0 && (long)Start[u] * downsample > sample) u--;
        return u >= 0 ? Delay[u] : Delay[0];
    }
}
