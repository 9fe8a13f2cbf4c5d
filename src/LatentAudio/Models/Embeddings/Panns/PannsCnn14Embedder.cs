using System.Security.Cryptography;
using LatentAudio.Audio;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Pickle;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Embeddings.Panns;

/// <summary>
/// PANNs CNN14 at 16 kHz as audioldm_eval's FD uses it (<c>EvaluationHelper(16000, backbone="cnn14")</c>,
/// haoheliu/audioldm_eval @ 8dc07ee7c42f9dc6e295460a1034175a0d49b436): one 2048-d "2048" vector per clip, from the
/// first channel with its mean removed, at 16 kHz, padded to 2 s (<see cref="PannsInput"/>), through one ONNX graph
/// that holds the log-mel front end too (<see cref="Cnn14Graph"/>). See docs/panns.md.
/// </summary>
public sealed class PannsCnn14Embedder : IAudioEmbedder
{
    /// <summary>The checkpoint audioldm_eval downloads for 16 kHz (models.py Cnn14.__init__). audioldm_eval publishes
    /// no checksum for it, so none is checked.</summary>
    public static PublicWeightsFile Weights { get; } = new(
        "PANNs CNN14 (16 kHz, mAP 0.438)",
        new Uri("https://zenodo.org/record/3987831/files/Cnn14_16k_mAP%3D0.438.pth"),
        "Cnn14_16k_mAP=0.438.pth",
        Sha256: null,
        Source: "haoheliu/audioldm_eval @ 8dc07ee7c42f9dc6e295460a1034175a0d49b436 audioldm_eval/feature_extractors/panns/models.py (Cnn14.__init__); Zenodo record 3987831");

    private readonly OnnxNetwork _network;
    private readonly bool _withLogMel;

    private PannsCnn14Embedder(OnnxNetwork network, int dimension, string sha256, bool withLogMel)
    {
        _network = network; Dimension = dimension; WeightsSha256 = sha256; _withLogMel = withLogMel;
    }

    public string Name => "panns";
    public int SampleRate => PannsInput.SampleRate;
    public int Dimension { get; }
    public string WeightsSha256 { get; }

    /// <summary>Reads a CNN14 16 kHz checkpoint (a bare state dict, or a training checkpoint holding it under
    /// "model", in torch's zip or legacy format; numpy objects beside it are skipped unread) and builds its graph.</summary>
    public static PannsCnn14Embedder Load(string path, SessionSettings? settings = null) => Load(path, settings, withLogMel: false);

    internal static PannsCnn14Embedder Load(string path, SessionSettings? settings, bool withLogMel)
    {
        var tensors = TorchCheckpointReader.Read(path, new NumpyPlaceholderPolicy(new TorchPicklePolicy()));
        var layout = Cnn14Layout.From(path, tensors);
        var model = Cnn14Graph.Build(new TensorWeights(tensors), layout, withLogMel);
        var network = new OnnxNetwork(model, settings ?? SessionSettings.Default);
        return new PannsCnn14Embedder(network, layout.EmbeddingSize, Sha256Of(path), withLogMel);
    }

    /// <summary>One vector per clip; none for an empty clip.</summary>
    public IReadOnlyList<float[]> Embed(AudioBuffer audio)
    {
        var waveform = PannsInput.Prepare(audio);
        return waveform is null ? [] : [Run(waveform).Embedding];
    }

    /// <summary>The network on a prepared 16 kHz waveform; the log-mel too when loaded with it.</summary>
    internal (float[] Embedding, Tensor? LogMel) Run(float[] waveform)
    {
        var outputs = _withLogMel ? new[] { Cnn14Graph.Embedding, Cnn14Graph.LogMel } : [Cnn14Graph.Embedding];
        var result = _network.Run(Cnn14Graph.Input, new Tensor(waveform, [1, waveform.Length]), outputs);
        return (result[Cnn14Graph.Embedding].Data, _withLogMel ? result[Cnn14Graph.LogMel] : null);
    }

    private static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    public void Dispose() => _network.Dispose();
}
