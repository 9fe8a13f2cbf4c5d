using LatentAudio.Audio;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Pickle;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Embeddings.Vggish;

/// <summary>
/// VGGish embeddings (Hershey et al. 2017) as the harritaylor/torchvggish@f3f90969 port computes them: the channel
/// mean (vggish_input.waveform_to_examples: np.mean over channels), resampled to 16 kHz with LatentAudio's
/// torchaudio-matching resampler (the port uses resampy; identical for 16 kHz input, see docs/fad.md), log-mel
/// examples of 0.96 s (<see cref="VggishLogMel"/>), the VGG network on ONNX Runtime (<see cref="VggishGraph"/>),
/// then the vector <see cref="VggishOutput"/> selects. One 128-d vector per complete 0.96 s example; none for a
/// clip shorter than 0.975 s.
/// </summary>
public sealed class VggishEmbedder : IAudioEmbedder
{
    /// <summary>torchvggish's network weights (hubconf.py model_urls['vggish']); the file name carries the first
    /// 8 hex digits of its sha256, which torch.hub checks (check_hash) and so does the download here.</summary>
    public static PublicWeightsFile Weights { get; } = new("vggish",
        new Uri("https://github.com/harritaylor/torchvggish/releases/download/v0.1/vggish-10086976.pth"),
        "vggish-10086976.pth", "10086976", "harritaylor/torchvggish@f3f90969 hubconf.py model_urls");

    /// <summary>The PCA parameters for <see cref="VggishOutput.Postprocessed"/> (hubconf.py model_urls['pca']).</summary>
    public static PublicWeightsFile PcaWeights { get; } = new("vggish-pca",
        new Uri("https://github.com/harritaylor/torchvggish/releases/download/v0.1/vggish_pca_params-970ea276.pth"),
        "vggish_pca_params-970ea276.pth", "970ea276", "harritaylor/torchvggish@f3f90969 hubconf.py model_urls");

    private const int Batch = 16;
    private readonly OnnxNetwork _network;
    private readonly VggishLogMel _logMel = new();
    private readonly VggishPostprocessor? _postprocessor;

    private VggishEmbedder(OnnxNetwork network, VggishOutput output, VggishPostprocessor? postprocessor, string sha256)
    {
        _network = network; Output = output; _postprocessor = postprocessor; WeightsSha256 = sha256;
    }

    public string Name => "vggish";
    public int SampleRate => VggishLogMel.SampleRate;
    public int Dimension => VggishGraph.Dimension;
    public string WeightsSha256 { get; }
    public VggishOutput Output { get; }

    /// <summary>Loads the network from a torchvggish state dict (.pth); <paramref name="pcaPath"/> is needed only for
    /// <see cref="VggishOutput.Postprocessed"/>.</summary>
    public static VggishEmbedder Load(string path, VggishOutput output = VggishOutput.Raw, string? pcaPath = null, SessionSettings? settings = null)
    {
        var weights = new StateDictWeights(TorchCheckpointReader.Read(path), path, VggishGraph.ExpectedTensors);
        VggishPostprocessor? post = null;
        if (output == VggishOutput.Postprocessed)
        {
            if (pcaPath is null) throw new ArgumentException("the postprocessed output needs the PCA parameters file", nameof(pcaPath));
            post = VggishPostprocessor.From(TorchCheckpointReader.Read(pcaPath), pcaPath);
        }
        var network = new OnnxNetwork(VggishGraph.Build(weights), settings ?? SessionSettings.Default);
        return new VggishEmbedder(network, output, post, PublicWeightsResolver.Sha256Of(path));
    }

    /// <summary>The log-mel examples of a clip, after the channel mean and resampling (the network's input).</summary>
    public IReadOnlyList<float[]> Examples(AudioBuffer audio) => _logMel.Examples(Mono16k(audio));

    public IReadOnlyList<float[]> Embed(AudioBuffer audio) => EmbedExamples(Examples(audio));

    public IReadOnlyList<float[]> EmbedExamples(IReadOnlyList<float[]> examples)
    {
        var result = new List<float[]>(examples.Count);
        int size = VggishLogMel.ExampleFrames * VggishLogMel.Bands;
        for (int start = 0; start < examples.Count; start += Batch)
        {
            int n = Math.Min(Batch, examples.Count - start);
            var input = new float[n * size];
            for (int i = 0; i < n; i++) examples[start + i].CopyTo(input, i * size);
            var output = _network.Run(VggishGraph.Input, new Tensor(input, n, 1, VggishLogMel.ExampleFrames, VggishLogMel.Bands))[VggishGraph.Output];
            for (int i = 0; i < n; i++) result.Add(Select(output.Data.AsSpan(i * Dimension, Dimension)));
        }
        return result;
    }

    private float[] Select(ReadOnlySpan<float> raw)
    {
        if (Output == VggishOutput.Raw) return raw.ToArray();
        var activated = new float[raw.Length];
        for (int i = 0; i < raw.Length; i++) activated[i] = Math.Max(raw[i], 0f);
        return Output == VggishOutput.Activated ? activated : _postprocessor!.Apply(activated);
    }

    /// <summary>np.mean over channels (in double), then 16 kHz.</summary>
    private static float[] Mono16k(AudioBuffer audio)
    {
        float[] mono;
        if (audio.ChannelCount == 1) mono = audio.Channel(0);
        else
        {
            mono = new float[audio.Length];
            for (int i = 0; i < mono.Length; i++)
            {
                double s = 0;
                for (int c = 0; c < audio.ChannelCount; c++) s += audio.Channel(c)[i];
                mono[i] = (float)(s / audio.ChannelCount);
            }
        }
        return AudioBuffer.Mono(mono, audio.SampleRate).Resample(VggishLogMel.SampleRate).Channel(0);
    }

    public void Dispose() => _network.Dispose();
}
