namespace LatentAudio.Metrics.P862;

/// <summary>
/// Crude delay estimation of P.862 §10.3.1 (reference `crude_align`): the lag that maximises the
/// cross-correlation of the two log-VAD envelopes, in whole envelope windows.
/// </summary>
internal static class EnvelopeAlignment
{
    /// <summary>Delay of the whole degraded file relative to the reference, in samples.</summary>
    public static int WholeSignal(VoiceActivity reference, VoiceActivity degraded, int downsample, PesqFft fft)
    {
        int nr = reference.Windows, nd = degraded.Windows;
        return BestLag(reference.LogVad.AsSpan(0, nr), degraded.LogVad.AsSpan(0, Math.Max(nd, 0)), fft) * downsample;
    }

    /// <summary>
    /// Refines <paramref name="delayEstimate"/> (samples) for the reference windows [start, end): returns the
    /// estimate plus the best envelope lag in samples.
    /// </summary>
    public static int Segment(float[] refLog, float[] degLog, int degWindows, int start, int end, int delayEstimate,
        int downsample, PesqFft fft)
    {
        int startr = start;
        int startd = startr + delayEstimate / downsample;
        if (startd < 0) { startr = -delayEstimate / downsample; startd = 0; }
        int nr = end - startr;
        int nd = nr;
        if (startd + nd > degWindows) nd = degWindows - startd;
        if (nr <= 1 || nd <= 1) return delayEstimate;
        return BestLag(refLog.AsSpan(startr, nr), degLog.AsSpan(startd, nd), fft) * downsample + delayEstimate;
    }

    /// <summary>argmax over lags of Σ r[m]·d[m+lag]; 0 when no correlation is positive or a side is too short.</summary>
    private static int BestLag(ReadOnlySpan<float> r, ReadOnlySpan<float> d, PesqFft fft)
    {
        int nr = r.Length, nd = d.Length;
        if (nr <= 1 || nd <= 1) return 0;
        // Any length >= nr + nd - 1 holds the linear correlation without wrap-around.
        int size = PesqFft.NextPow2(nr + nd - 1);
        var a = new double[nr]; var b = new double[nd];
        for (int i = 0; i < nr; i++) a[i] = r[i];
        for (int i = 0; i < nd; i++) b[i] = d[i];
        var corr = new double[size];
        fft.CrossCorrelate(a, b, corr);
        float max = 0f;
        int best = nr - 1;
        for (int c = 0; c < nr + nd - 1; c++)
        {
            int lag = c - nr + 1;
            float y = (float)corr[(lag + size) % size];
            if (y > max) { max = y; best = c; }
        }
        return best - nr + 1;
    }
}
