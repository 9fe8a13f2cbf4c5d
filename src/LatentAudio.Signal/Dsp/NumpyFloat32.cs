namespace LatentAudio.Dsp;

/// <summary>numpy's float32 reductions, bit for bit (numpy/core/src/umath/loops_utils.h.src pairwise_sum).</summary>
public static class NumpyFloat32
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
