namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>NSIM-to-MOS mappings of ViSQOL v3.</summary>
internal static class QualityMapping
{
    // Exponential fit a + exp(b·(x − x0)) of mean NSIM to MOS over TCD-VOIP, conformance v333
    // (google/visqol src/speech_similarity_to_quality_mapper.cc); the scale makes NSIM 1.0 map to 5.0.
    private const double FitA = -262.847869, FitB = 0.0154302525, FitX0 = -361.063949;
    private const float FitScale = 1.245063f; // held as a float by the reference, so its float value is the constant

    public static double Speech(ReadOnlySpan<double> fvnsim, bool scaled)
    {
        double sum = 0;
        foreach (var v in fvnsim) sum += v;
        double mean = sum / fvnsim.Length;
        double mos = FitA + Math.Exp(FitB * (mean - FitX0));
        double scale = scaled ? FitScale : 1.0;
        return Math.Min(Math.Max(mos * scale, 1.0), 5.0);
    }

    /// <summary>Audio mode: the SVR on the per-band NSIM, clamped to [1, 5].</summary>
    public static double Audio(SvrModel model, ReadOnlySpan<double> fvnsim) => Math.Max(1.0, Math.Min(5.0, model.Predict(fvnsim)));
}
