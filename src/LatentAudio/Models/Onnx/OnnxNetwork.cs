using Google.Protobuf;
using LatentAudio.Tensors;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace LatentAudio.Models.Onnx;

/// <summary>An ONNX Runtime session over one built graph, fed and read as <see cref="Tensor"/>s.</summary>
public sealed class OnnxNetwork : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxNetwork(ModelProto model, SessionSettings settings)
    {
        using var options = settings.CreateOptions();
        _session = new InferenceSession(model.ToByteArray(), options);
    }

    private OnnxNetwork(InferenceSession session) => _session = session;

    /// <summary>
    /// The network named <paramref name="graph"/> built from <paramref name="files"/>: from the graph cache when
    /// <see cref="SessionSettings.GraphCacheFolder"/> holds a valid entry, else built by <paramref name="build"/>
    /// (and stored there). Without a cache folder, or without <paramref name="files"/> to key it by, this is <c>new OnnxNetwork(build(), settings)</c>.
    /// </summary>
    public static OnnxNetwork Open(string graph, GraphFiles? files, SessionSettings settings, Func<ModelProto> build)
    {
        if (files is null || settings.GraphCacheFolder is not { } folder) return new OnnxNetwork(build(), settings);
        return new OnnxNetwork(new GraphCache(folder).Open(graph, files, settings, build));
    }

    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    /// <summary>Runs the network on one named input and returns the requested outputs (all by default).</summary>
    public Dictionary<string, Tensor> Run(string inputName, Tensor input, IReadOnlyList<string>? outputs = null)
    {
        outputs ??= _session.OutputNames;
        using var value = OrtValue.CreateTensorValueFromMemory(input.Data, input.Shape.Select(d => (long)d).ToArray());
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [inputName], [value], outputs);
        var map = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < outputs.Count; i++)
        {
            var shape = results[i].GetTensorTypeAndShape().Shape.Select(d => checked((int)d)).ToArray();
            map[outputs[i]] = new Tensor(results[i].GetTensorDataAsSpan<float>().ToArray(), shape);
        }
        return map;
    }

    public void Dispose() => _session.Dispose();
}
