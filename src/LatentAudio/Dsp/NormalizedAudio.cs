namespace LatentAudio.Dsp;

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
        double inv = 1.0 / Scale;
        for (int i = 0; i < y.Length; i++) x[i] = (float)(y[i] * inv + Mean);
        return x;
    }
}

/// <summary>numpy's float32 reductions, bit for bit (numpy/core/src/umath/loops_utils.h.src pairwise_sum).</summary>
internal static class NumpyFloat32
{
    private const int BlockSize = 128; // PW_BLOCKSIZE

    /// <summary>np.mean of a float32 array: float32 pairwise sum, divided by the count, rounded to float32.</summary>
    public static float Mean(ReadOnlySpan<float> x) => x.Length == 0 ? 0f : (float)((double)PairwiseSum(x) / x.Length);

    public static float PairwiseSum(ReadOnlySpan<float> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            float res = 0;
            for (int i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n <= BlockSize)
        {
            float r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            for (; i < n - n % 8; i += 8)
            {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3];
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7];
            }
            float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) res += a[i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return PairwiseSum(a[..n2]) + PairwiseSum(a[n2..]);
    }
}
