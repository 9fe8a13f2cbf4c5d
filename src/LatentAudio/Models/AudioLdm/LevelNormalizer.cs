using LatentAudio.Dsp;

namespace LatentAudio.Models.AudioLdm;

/// <summary>
/// The front-end's level normalisation (AudioLDM2 <c>audioldm2/utilities/audio/tools.py</c> normalize_wav: subtract
/// the mean, divide by max|x - mean| + 1e-8, times 0.5, clip to [-1, 1]) as two numbers measured once over a whole
/// signal, so that a long input can be normalised window by window with exactly the values a whole-clip
/// normalisation gives. Arithmetic is numpy's float32 (see <see cref="NormalizedAudio"/>).
/// </summary>
public sealed record LevelNormalizer(float MeanValue, float Denominator)
{
    public double Mean => MeanValue;

    /// <summary>The gain applied after mean removal: 0.5 / (peak + 1e-8).</summary>
    public double Scale => NormalizedAudio.TargetPeak / Denominator;

    /// <summary>Measures a signal held in memory.</summary>
    public static LevelNormalizer Measure(ReadOnlySpan<float> x)
    {
        var stats = new LevelStatistics(x.Length);
        stats.Add(x);
        return stats.Result();
    }

    /// <summary>y = clip((x - mean) / denominator * 0.5, -1, 1), in float32 as numpy does it.</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        float mean = MeanValue, denom = Denominator, half = (float)NormalizedAudio.TargetPeak;
        for (int i = 0; i < x.Length; i++) y[i] = Math.Clamp((x[i] - mean) / denom * half, -1f, 1f);
    }
}

/// <summary>
/// Accumulates what <see cref="LevelNormalizer"/> needs from a signal that streams past once: numpy's float32
/// pairwise sum (for the mean; the sum's rounding depends on the total length, which must be known up front), the
/// minimum and the maximum (max|x - mean| = max(|max - mean|, |min - mean|), since float subtraction is monotone).
/// </summary>
public sealed class LevelStatistics
{
    private readonly StreamingPairwiseSum _sum;
    private float _min = float.PositiveInfinity, _max = float.NegativeInfinity;

    public LevelStatistics(long expectedLength) => _sum = new StreamingPairwiseSum(expectedLength);

    public long ExpectedLength => _sum.Length;

    public void Add(ReadOnlySpan<float> x)
    {
        _sum.Add(x);
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] < _min) _min = x[i];
            if (x[i] > _max) _max = x[i];
        }
    }

    /// <summary>The normaliser; throws if the signal was not exactly the expected length.</summary>
    public LevelNormalizer Result()
    {
        float mean = _sum.Length == 0 ? 0f : (float)((double)_sum.Result() / _sum.Length);
        float peak = _sum.Length == 0 ? 0f : Math.Max(Math.Abs(_max - mean), Math.Abs(_min - mean));
        // np.float32 + Python float is float64 in NumPy 1.x, rounded back to float32 for the array division.
        return new LevelNormalizer(mean, (float)(peak + NormalizedAudio.Epsilon));
    }
}
