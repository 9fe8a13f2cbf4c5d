namespace LatentAudio.Metrics.P862;

/// <summary>
/// A cascade of second-order IIR sections (b0 b1 b2 a1 a2 per section, a0 = 1), direct form II, zero initial state,
/// run in float32 in place as the P.862 reference does (`IIRFilt`).
/// </summary>
internal static class BiquadCascade
{
    public static void Apply(ReadOnlySpan<float> sections, Span<float> x)
    {
        for (int s = 0; s + 5 <= sections.Length; s += 5)
        {
            float b0 = sections[s], b1 = sections[s + 1], b2 = sections[s + 2], a1 = sections[s + 3], a2 = sections[s + 4];
            float z1 = 0f, z2 = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                float z0 = x[i] - a1 * z1 - a2 * z2;
                x[i] = b0 * z0 + b1 * z1 + b2 * z2;
                z2 = z1;
                z1 = z0;
            }
        }
    }

    /// <summary>
    /// The same cascade on two equally long signals at once: the two recursions are independent, so interleaving
    /// them lets the CPU overlap their latency chains. Results are identical to two <see cref="Apply"/> calls.
    /// </summary>
    public static void ApplyPair(ReadOnlySpan<float> sections, Span<float> x, Span<float> y)
    {
        if (x.Length != y.Length) { Apply(sections, x); Apply(sections, y); return; }
        for (int s = 0; s + 5 <= sections.Length; s += 5)
        {
            float b0 = sections[s], b1 = sections[s + 1], b2 = sections[s + 2], a1 = sections[s + 3], a2 = sections[s + 4];
            float xz1 = 0f, xz2 = 0f, yz1 = 0f, yz2 = 0f;
            for (int i = 0; i < x.Length; i++)
            {
                float xz0 = x[i] - a1 * xz1 - a2 * xz2;
                float yz0 = y[i] - a1 * yz1 - a2 * yz2;
                x[i] = b0 * xz0 + b1 * xz1 + b2 * xz2;
                y[i] = b0 * yz0 + b1 * yz1 + b2 * yz2;
                xz2 = xz1; xz1 = xz0;
                yz2 = yz1; yz1 = yz0;
            }
        }
    }
}
