namespace LatentAudio.Metrics.P862;

/// <summary>
/// The filters PESQ applies after level alignment: the listening-condition input filter of each mode, and the
/// filter used only for the VAD and time alignment (DC removal plus the alignment IIR bank).
/// </summary>
internal static class InputFilters
{
    // P.862.2 wide-band input filter: one high-pass biquad (reference `WB_InIIR_Hsos_16k`, `WB_InIIR_Hsos_8k`).
    private static readonly float[] WideBand16k = [2.740826f, -5.4816519f, 2.740826f, -1.9444777f, 0.94597794f];
    private static readonly float[] WideBand8k = [2.6657628f, -5.3315255f, 2.6657628f, -1.8890331f, 0.89487434f];

    /// <summary>NB: IRS receive characteristic (P.862 §10.1.2). WB: 16-sample fades and a high-pass (P.862.2).</summary>
    public static void ApplyListeningFilter(PesqSignal reference, PesqSignal degraded, PesqMode mode, PesqRateProfile rate, PesqFft fft)
    {
        if (mode == PesqMode.NarrowBand)
        {
            FrequencyResponseFilter.IrsReceive.Apply(reference, degraded, rate, fft);
            return;
        }
        ApplyWideBandFilter(reference, rate);
        ApplyWideBandFilter(degraded, rate);
    }

    private static void ApplyWideBandFilter(PesqSignal signal, PesqRateProfile rate)
    {
        int sb = rate.SearchBufferSamples;
        var d = signal.Data;
        // The reference fades with factors i/16 at indices sb-1+i and Length-sb-i (i = 0..15), one sample
        // outside the signal at each end; reproduced as is.
        for (int i = 0; i < 16; i++)
        {
            d[sb + i - 1] *= i / 16.0f;
            d[signal.Length - sb - i] *= i / 16.0f;
        }
        BiquadCascade.Apply(rate.SampleRate == 16000 ? WideBand16k : WideBand8k, d.AsSpan(sb, signal.Length - 2 * sb));
    }

    /// <summary>
    /// DC removal with short fades (reference `DC_block`) and the alignment IIR bank over the signal and its data
    /// padding (reference `apply_filters`), for both signals.
    /// </summary>
    public static void ApplyAlignmentFilter(PesqSignal reference, PesqSignal degraded, PesqRateProfile rate)
    {
        RemoveDc(reference, rate);
        RemoveDc(degraded, rate);
        BiquadCascade.ApplyPair(rate.AlignmentFilterSections,
            reference.Data.AsSpan(0, reference.Length + rate.DataPadding),
            degraded.Data.AsSpan(0, degraded.Length + rate.DataPadding));
    }

    private static void RemoveDc(PesqSignal signal, PesqRateProfile rate)
    {
        var d = signal.Data;
        int n = signal.Length, ofs = rate.SearchBufferSamples, ds = rate.Downsample;
        float acc = 0f;
        for (int i = ofs; i < n - ofs; i++) acc += d[i];
        acc /= n; // the reference divides by the padded length, not the signal length
        for (int i = ofs; i < n - ofs; i++) d[i] -= acc;
        for (int c = 0; c < ds; c++) d[ofs + c] *= (0.5f + c) / ds;
        for (int c = 0; c < ds; c++) d[n - ofs - 1 - c] *= (0.5f + c) / ds;
    }
}
