using LatentAudio.Models.Onnx;
using Onnx;

namespace LatentAudio.Models.Embeddings.Vggish;

/// <summary>
/// The VGGish network of harritaylor/torchvggish@f3f90969 torchvggish/vggish.py as one ONNX graph: features =
/// conv3x3(pad 1)+ReLU with 64, M, 128, M, 256, 256, M, 512, 512, M channels (M = 2x2 max pool, stride 2) on
/// [N, 1, 96, 64] log-mel examples; the [N, 512, 6, 4] map transposed to [N, 6, 4, 512] and flattened (VGG.forward's
/// two transposes, kept for TF-VGGish compatibility); then embeddings = Linear(12288, 4096)+ReLU,
/// Linear(4096, 4096)+ReLU, Linear(4096, 128). The graph's output <c>embedding</c> is the last Linear before its
/// ReLU (fadtk's default, use_activation=False); the ReLU and the PCA are applied by <see cref="VggishEmbedder"/>.
/// </summary>
public static class VggishGraph
{
    public const string Input = "examples", Output = "embedding";
    public const int Dimension = 128;

    /// <summary>features.{i}.weight/bias indices of the convolutions in torch's nn.Sequential (ReLU and pool layers between).</summary>
    private static readonly (int Index, bool PoolAfter)[] Convs =
        [(0, true), (3, true), (6, false), (8, true), (11, false), (13, true)];

    /// <summary>The tensors the state dict must hold, with their shapes.</summary>
    public static IReadOnlyList<(string Name, int[] Shape)> ExpectedTensors { get; } =
    [
        ("features.0.weight", [64, 1, 3, 3]), ("features.0.bias", [64]),
        ("features.3.weight", [128, 64, 3, 3]), ("features.3.bias", [128]),
        ("features.6.weight", [256, 128, 3, 3]), ("features.6.bias", [256]),
        ("features.8.weight", [256, 256, 3, 3]), ("features.8.bias", [256]),
        ("features.11.weight", [512, 256, 3, 3]), ("features.11.bias", [512]),
        ("features.13.weight", [512, 512, 3, 3]), ("features.13.bias", [512]),
        ("embeddings.0.weight", [4096, 12288]), ("embeddings.0.bias", [4096]),
        ("embeddings.2.weight", [4096, 4096]), ("embeddings.2.bias", [4096]),
        ("embeddings.4.weight", [128, 4096]), ("embeddings.4.bias", [128]),
    ];

    public static ModelProto Build(IWeights w)
    {
        var b = new GraphBuilder("vggish");
        var x = b.Input(Input, Dim.Dynamic("batch", 1), Dim.Fixed(1), Dim.Fixed(VggishLogMel.ExampleFrames), Dim.Fixed(VggishLogMel.Bands));
        foreach (var (i, pool) in Convs)
        {
            var name = $"features.{i}";
            x = b.Relu(name + ".relu", b.Conv(name, x, b.Param(w, name + ".weight"), b.Param(w, name + ".bias"), [1, 1]));
            if (pool) x = b.MaxPool2d(name + ".pool", x, 2, 2, 2, 2);
        }
        x = b.Transpose("features.nhwc", x, 0, 2, 3, 1);
        x = b.Reshape("features.flat", x, -1, 512 * 6 * 4);
        x = b.Relu("embeddings.1", Linear(b, w, "embeddings.0", x));
        x = b.Relu("embeddings.3", Linear(b, w, "embeddings.2", x));
        x = Linear(b, w, "embeddings.4", x, Output);
        b.Output(x, Dim.Dynamic("batch"), Dim.Fixed(Dimension));
        return b.ToModel();
    }

    private static string Linear(GraphBuilder b, IWeights w, string name, string x, string? output = null) =>
        b.Add(output ?? name, b.MatMul(name + ".matmul", x, b.LinearWeightTransposed(w, name + ".weight")), b.Param(w, name + ".bias"));
}
