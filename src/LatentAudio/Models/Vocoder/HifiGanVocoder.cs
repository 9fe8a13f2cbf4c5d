using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Safetensors;
using LatentAudio.Models.Vae;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Vocoder;

/// <summary>
/// transformers' SpeechT5HifiGan (the AudioLDM/AudioLDM2 vocoder) on ONNX Runtime, built from a <c>vocoder/</c>
/// folder (config.json + model.safetensors): log-mel [B, T, mels] -> waveform [B, hop*T + extra] in [-1, 1].
/// </summary>
public sealed class HifiGanVocoder : IVocoder
{
    public const string WeightsFile = "model.safetensors";
    /// <summary>transformers' PyTorch weights name, read (restricted unpickler) only when no .safetensors is present.</summary>
    public const string PyTorchWeightsFile = "pytorch_model.bin";

    private readonly OnnxNetwork _network;

    /// <summary>The graph's name in the graph cache.</summary>
    public const string GraphName = "hifigan";

    private HifiGanVocoder(VocoderConfig config, double flops, OnnxNetwork network)
    {
        Config = config;
        Flops = flops;
        _network = network;
    }

    public VocoderConfig Config { get; }
    /// <summary>FLOPs of one run at the tracked size given to Load (0 when none was given).</summary>
    public double Flops { get; }
    public int SampleRate => Config.SamplingRate;

    public static HifiGanVocoder Load(ModelLocation model, SessionSettings? settings = null, int? trackFrames = null) =>
        Load(model.VocoderFolder, settings, trackFrames);

    public static HifiGanVocoder Load(string vocoderFolder, SessionSettings? settings = null, int? trackFrames = null)
    {
        var (config, file) = OpenValidated(vocoderFolder);
        using (file)
        {
            var files = new GraphFiles(Path.Combine(vocoderFolder, "config.json"), file.Path);
            // A FLOP count needs the built graph, so with trackFrames it is built even when the session comes from the cache.
            var counted = trackFrames is null ? null : HifiGanGraph.Build(config, file, trackFrames);
            var network = OnnxNetwork.Open(GraphName, files, settings ?? SessionSettings.Default, () => (counted ?? HifiGanGraph.Build(config, file)).Model);
            return new HifiGanVocoder(config, counted?.Flops ?? 0, network);
        }
    }

    /// <summary>Builds the vocoder from weights already checked against <paramref name="config"/> (e.g. an original checkpoint's).
    /// Not kept in the graph cache: its key would need the sha256 of the whole multi-GB checkpoint.</summary>
    public static HifiGanVocoder FromWeights(VocoderConfig config, IWeights weights, SessionSettings? settings = null, int? trackFrames = null)
    {
        var graph = HifiGanGraph.Build(config, weights, trackFrames);
        return new HifiGanVocoder(config, graph.Flops, new OnnxNetwork(graph.Model, settings ?? SessionSettings.Default));
    }

    public static (VocoderConfig Config, BuiltGraph Graph) BuildGraph(string vocoderFolder, int? trackFrames = null)
    {
        var (config, file) = OpenValidated(vocoderFolder);
        using (file) return (config, HifiGanGraph.Build(config, file, trackFrames));
    }

    private static (VocoderConfig, CheckpointWeights) OpenValidated(string vocoderFolder)
    {
        var config = VocoderConfig.Load(Path.Combine(vocoderFolder, "config.json"));
        var file = CheckpointWeights.Open(vocoderFolder, WeightsFile, PyTorchWeightsFile);
        try { file.Validate(ExpectedTensors.ForVocoder(config)); }
        catch { file.Dispose(); throw; }
        return (config, file);
    }

    /// <summary>Log-mel [B, T, mels] (leading 1s allowed) -> [B, samples]; an un-batched [T, mels] gives [samples].</summary>
    public Tensor Vocode(Tensor mel)
    {
        bool unbatched = mel.Rank == 2;
        var input = unbatched ? mel.Reshape(1, mel.Shape[0], mel.Shape[1]) : mel.Rank > 3 ? mel.SqueezeLeading(3) : mel;
        if (input.Rank != 3 || input.Shape[2] != Config.ModelInDim)
            throw new InvalidInputException($"mel has shape {mel.ShapeText}, expected [B, T, {Config.ModelInDim}]");
        if (input.Shape[1] == 0) throw new InvalidInputException("mel has no frames");
        var wave = _network.Run(HifiGanGraph.MelInput, input)[HifiGanGraph.WaveformOutput];
        return unbatched ? wave.Reshape(wave.Shape[1]) : wave;
    }

    public void Dispose() => _network.Dispose();
}
