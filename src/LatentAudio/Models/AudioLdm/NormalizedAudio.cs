namespace LatentAudio.Models.AudioLdm;

/// <summary>
/// A waveform brought to the level AudioLDM2 was trained on (mean removed, peak 0.5; AudioLDM2
/// <c>audioldm2/utilities/audio/tools.py</c> normalize_wav), with what it takes to undo it.
/// <see cref="Samples"/> = clip((x - Mean) * Scale, -1, 1), Scale = 0.5 / (max|x - Mean| + 1e-8).
/// </summary>
/// <remarks>
/// Computed in float32 exactly as numpy does it on the reference's float32 array (pairwise-summed float32 mean,
/// float32 subtraction and division): near-silent mel bins are sensitive to single-ulp sample differences, and a
/// recording with a large DC offset (golden env_humpback, mean 0.355) otherwise misses the golden fbank by 4e-3.
/// </remarks>
public sealed record NormalizedAudio(float[] Samples, double Mean, double Scale)
{
    /// <summary>normalize_wav's guard against division by zero (tools.py).</summary>
    public const double Epsilon = 1e-8;

    /// <summary>The peak AudioLDM2 normalises to.</summary>
    public const double TargetPeak = 0.5;

    /// <summary>
    /// Normalises <paramref name="x"/>. Digital silence gives all-zero samples (Scale = 0.5 / 1e-8), never NaN.
    /// </summary>
    public static NormalizedAudio From(ReadOnlySpan<float> x)
    {
        var level = LevelNormalizer.Measure(x);
        var y = new float[x.Length];
        level.Apply(x, y);
        return new NormalizedAudio(y, level.Mean, level.Scale);
    }

    /// <summary>Undoes the normalisation on a model output: y / Scale + Mean, level-matched with the original.</summary>
    public float[] Restore(ReadOnlySpan<float> y)
    {
        var x = new float[y.Length];
        Restore(y, Mean, Scale, x);
        return x;
    }

    /// <summary>x = y / scale + mean in binary64, rounded to float32: the one undo of the normalisation (files, decoded
    /// audio, report excerpts), so a block restored on its own equals the same samples restored whole.</summary>
    public static void Restore(ReadOnlySpan<float> y, double mean, double scale, Span<float> x)
    {
        double inv = 1.0 / scale;
        for (int i = 0; i < y.Length; i++) x[i] = (float)(y[i] * inv + mean);
    }
}
