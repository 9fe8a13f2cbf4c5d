using LatentAudio.Tensors;

namespace LatentAudio.Models.Embeddings.Panns;

/// <summary>
/// The state-dict layout of PANNs CNN14 as audioldm_eval builds it for 16 kHz
/// (haoheliu/audioldm_eval @ 8dc07ee7c42f9dc6e295460a1034175a0d49b436, audioldm_eval/feature_extractors/panns/models.py
/// <c>Cnn14</c>; arguments from audioldm_eval/eval.py <c>EvaluationHelper.__init__</c>): the torchlibrosa front end's
/// frozen DFT convolutions and mel bank, bn0, six ConvBlocks, fc1 and fc_audioset. The widths of the six blocks are
/// read from the checkpoint (64 ... 2048 for the published weights; narrower for test fixtures); everything else is
/// checked against them before a graph is built.
/// </summary>
internal sealed record Cnn14Layout(int[] Widths)
{
    public const int Blocks = 6;
    /// <summary>models.py Cnn14 at 16 kHz: window_size 512 (n_fft), hop_size 160, mel_bins 64; classes_num 527.</summary>
    public const int FftSize = 512, Hop = 160, MelBins = 64, Classes = 527;
    public const int FrequencyBins = FftSize / 2 + 1;

    public int EmbeddingSize => Widths[^1];

    public static Cnn14Layout From(string path, IReadOnlyDictionary<string, Tensor> weights)
    {
        var widths = new int[Blocks];
        for (int i = 0; i < Blocks; i++)
        {
            var name = $"conv_block{i + 1}.conv1.weight";
            widths[i] = weights.TryGetValue(name, out var t) && t.Shape.Length == 4 ? t.Shape[0]
                : throw InvalidInputException.ForFile(path, $"has no 4-d '{name}': not a PANNs CNN14 checkpoint");
        }
        var layout = new Cnn14Layout(widths);
        layout.Check(path, weights);
        return layout;
    }

    /// <summary>Every tensor the graph reads, with the shape it must have (num_batches_tracked is not read).</summary>
    public IEnumerable<(string Name, int[] Shape)> Expected()
    {
        yield return ("spectrogram_extractor.stft.conv_real.weight", [FrequencyBins, 1, FftSize]);
        yield return ("spectrogram_extractor.stft.conv_imag.weight", [FrequencyBins, 1, FftSize]);
        yield return ("logmel_extractor.melW", [FrequencyBins, MelBins]);
        foreach (var e in BatchNorm("bn0", MelBins)) yield return e;
        int cin = 1;
        for (int i = 0; i < Blocks; i++)
        {
            int w = Widths[i];
            var block = $"conv_block{i + 1}";
            yield return ($"{block}.conv1.weight", [w, cin, 3, 3]);
            yield return ($"{block}.conv2.weight", [w, w, 3, 3]);
            foreach (var e in BatchNorm($"{block}.bn1", w)) yield return e;
            foreach (var e in BatchNorm($"{block}.bn2", w)) yield return e;
            cin = w;
        }
        yield return ("fc1.weight", [EmbeddingSize, EmbeddingSize]);
        yield return ("fc1.bias", [EmbeddingSize]);
    }

    private static IEnumerable<(string, int[])> BatchNorm(string name, int channels) =>
        new[] { "weight", "bias", "running_mean", "running_var" }.Select(p => ($"{name}.{p}", new[] { channels }));

    private void Check(string path, IReadOnlyDictionary<string, Tensor> weights)
    {
        foreach (var (name, shape) in Expected())
        {
            if (!weights.TryGetValue(name, out var t))
                throw InvalidInputException.ForFile(path, $"has no tensor '{name}': not a PANNs CNN14 (16 kHz) checkpoint");
            if (!t.Shape.SequenceEqual(shape))
                throw InvalidInputException.ForFile(path, $"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", shape)}] (CNN14 at 16 kHz: n_fft 512, 64 mel bins)");
        }
    }
}
