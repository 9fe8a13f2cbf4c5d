using LatentAudio.Tensors;

namespace LatentAudio.Models.Embeddings.Vggish;

/// <summary>
/// The AudioSet release's PCA (with whitening) and 8-bit quantisation, as harritaylor/torchvggish@f3f90969
/// torchvggish/vggish.py Postprocessor.postprocess does it in float32: y = E (x - m), clamped to
/// [QUANTIZE_MIN_VAL -2, QUANTIZE_MAX_VAL +2], then round((y + 2) · 255 / 4) with torch.round's half-to-even rule.
/// Values are 0..255 as floats. E = pca_eigen_vectors [128, 128], m = pca_means [128] (vggish_pca_params-970ea276.pth).
/// </summary>
public sealed class VggishPostprocessor
{
    public const float QuantizeMin = -2.0f, QuantizeMax = 2.0f; // vggish_params.py
    public const string EigenVectorsName = "pca_eigen_vectors", MeansName = "pca_means";

    private readonly float[] _eigenVectors;
    private readonly float[] _means;

    public VggishPostprocessor(float[] eigenVectors, float[] means)
    {
        int d = VggishGraph.Dimension;
        if (eigenVectors.Length != d * d || means.Length != d)
            throw new ArgumentException($"PCA parameters must be [{d}, {d}] and [{d}]");
        _eigenVectors = eigenVectors; _means = means;
    }

    /// <summary>Reads <c>pca_eigen_vectors</c> and <c>pca_means</c> (any shape holding 128 values, as the port reshapes it to [128, 1]).</summary>
    public static VggishPostprocessor From(IReadOnlyDictionary<string, Tensor> tensors, string path)
    {
        Tensor Get(string name) => tensors.TryGetValue(name, out var t) ? t : throw InvalidInputException.ForFile(path, $"has no tensor '{name}'");
        var e = Get(EigenVectorsName); var m = Get(MeansName);
        int d = VggishGraph.Dimension;
        if (e.Length != d * d || m.Length != d)
            throw InvalidInputException.ForFile(path, $"PCA parameters are {e.ShapeText} and {m.ShapeText}, not [{d}, {d}] and [{d}]");
        return new VggishPostprocessor(e.Data, m.Data);
    }

    public float[] Apply(ReadOnlySpan<float> embedding)
    {
        int d = VggishGraph.Dimension;
        Span<float> centred = stackalloc float[d];
        for (int i = 0; i < d; i++) centred[i] = embedding[i] - _means[i];
        var result = new float[d];
        const float scale = 255.0f / (QuantizeMax - QuantizeMin);
        for (int r = 0; r < d; r++)
        {
            float s = 0;
            var row = _eigenVectors.AsSpan(r * d, d);
            for (int k = 0; k < d; k++) s += row[k] * centred[k];
            float clipped = Math.Clamp(s, QuantizeMin, QuantizeMax);
            result[r] = MathF.Round((clipped - QuantizeMin) * scale, MidpointRounding.ToEven);
        }
        return result;
    }
}
