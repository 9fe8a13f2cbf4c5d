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
}
