namespace LatentAudio.Metrics.P862;

/// <summary>Raw PESQ score and its mappings to MOS-LQO, evaluated in float32 like the reference.</summary>
internal static class MosMapping
{
    /// <summary>Raw P.862 score: 4.5 − 0.1·d_sym − 0.0309·d_asym (P.862 §10.2.12).</summary>
    public static float RawScore(float symmetric, float asymmetric) => (float)(4.5 - 0.1 * symmetric - 0.0309 * asymmetric);

    /// <summary>P.862.1: 0.999 + 4 / (1 + e^(−1.4945·x + 4.6607)).</summary>
    public static float NarrowBand(float raw) => 0.999f + 4.0f / (1.0f + (float)Math.Exp(-1.4945f * raw + 4.6607f));

    /// <summary>P.862.2: 0.999 + 4 / (1 + e^(−1.3669·x + 3.8224)).</summary>
    public static float WideBand(float raw) => 0.999f + 4.0f / (1.0f + (float)Math.Exp(-1.3669f * raw + 3.8224f));
}
