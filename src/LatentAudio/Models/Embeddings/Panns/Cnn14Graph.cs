using LatentAudio.Models.Onnx;
using LatentAudio.Tensors;
using Onnx;

namespace LatentAudio.Models.Embeddings.Panns;

/// <summary>
/// CNN14's forward pass in eval mode as one ONNX graph, waveform [1, samples] at 16 kHz in, the 2048-d "2048"
/// feature out (haoheliu/audioldm_eval @ 8dc07ee7c42f9dc6e295460a1034175a0d49b436,
/// audioldm_eval/feature_extractors/panns/models.py <c>Cnn14.forward</c>: <c>embedding = F.relu_(fc1(x))</c>, the
/// tensor its FD takes). The front end is torchlibrosa's (qiuqiangkong/torchlibrosa @
/// d4e8add6c9ee49ae531c78a4901e4fdcc88c746a, torchlibrosa/stft.py <c>Spectrogram</c>, <c>LogmelFilterBank</c>):
/// the STFT is a strided convolution with the checkpoint's own windowed-DFT kernels after reflect padding by
/// n_fft / 2 (center=True, pad_mode "reflect"), power 2, the checkpoint's mel bank, then
/// 10 log10(max(x, amin = 1e-10)) - 10 log10(max(amin, ref = 1.0)) with top_db None. Dropout and SpecAugment are
/// training-only and absent.
/// </summary>
internal static class Cnn14Graph
{
    public const string Input = "waveform", Embedding = "embedding", LogMel = "logmel";
    private const float Amin = 1e-10f;                     // models.py Cnn14.__init__: amin = 1e-10, ref = 1.0
    private const float BatchNormEpsilon = 1e-5f;          // torch.nn.BatchNorm2d default eps
    private const float TenOverLn10 = 4.342944819032518f;  // 10 log10(x) = (10 / ln 10) ln(x)

    /// <param name="withLogMel">Also output the log-mel (logmel_extractor's output, [1, 1, frames, 64]) for parity tests.</param>
    public static ModelProto Build(IWeights w, Cnn14Layout layout, bool withLogMel = false)
    {
        var b = new GraphBuilder("panns_cnn14_16k");
        var x = b.Input(Input, Dim.Fixed(1), Dim.Dynamic("samples"));
        var logMel = FrontEnd(b, w, x);
        var h = Bn0(b, w, logMel);
        int pooledBlocks = Cnn14Layout.Blocks - 1; // conv_block6 pools with (1, 1): the identity
        for (int i = 1; i <= Cnn14Layout.Blocks; i++) h = ConvBlock(b, w, $"conv_block{i}", h, pool: i <= pooledBlocks);
        var e = Head(b, w, h);
        b.Output(e, Dim.Fixed(1), Dim.Fixed(layout.EmbeddingSize));
        if (withLogMel) b.Output(logMel, Dim.Fixed(1), Dim.Fixed(1), Dim.Dynamic("frames"), Dim.Fixed(Cnn14Layout.MelBins));
        return b.ToModel();
    }

    private static string FrontEnd(GraphBuilder b, IWeights w, string waveform)
    {
        const string n = "spectrogram_extractor.stft";
        var x = b.Reshape(n + ".input", waveform, 1, 1, -1);
        x = b.PadReflect(n + ".padded", x, 0, 0, Cnn14Layout.FftSize / 2, 0, 0, Cnn14Layout.FftSize / 2);
        var real = b.Conv(n + ".real", x, b.Param(w, n + ".conv_real.weight"), null, [0], stride: Cnn14Layout.Hop);
        var imag = b.Conv(n + ".imag", x, b.Param(w, n + ".conv_imag.weight"), null, [0], stride: Cnn14Layout.Hop);
        var power = b.Add("spectrogram", b.Mul(n + ".real2", real, real), b.Mul(n + ".imag2", imag, imag)); // [1, 257, T]
        var frames = b.Transpose("spectrogram.t", power, 0, 2, 1);
        var mel = b.MatMul("logmel_extractor.mel", frames, b.Param(w, "logmel_extractor.melW"));      // [1, T, 64]
        var floor = b.Clip("logmel_extractor.clamped", mel, Amin, float.PositiveInfinity);
        // - 10 log10(max(amin, ref)) is 0 for ref = 1.0.
        var db = b.Mul("logmel_extractor.db", b.Log("logmel_extractor.ln", floor), b.Scalar("logmel_extractor.ten_over_ln10", TenOverLn10));
        return b.Reshape(LogMel, db, 1, 1, -1, Cnn14Layout.MelBins);                                 // [1, 1, T, 64]
    }

    // bn0 normalises each mel bin: forward() transposes mel to the channel axis and back.
    private static string Bn0(GraphBuilder b, IWeights w, string logMel)
    {
        var t = b.Transpose("bn0.in", logMel, 0, 3, 2, 1);
        return b.Transpose("bn0.out", BatchNorm(b, w, "bn0", t), 0, 3, 2, 1);
    }

    private static string BatchNorm(GraphBuilder b, IWeights w, string name, string x) =>
        b.BatchNorm(name, x, b.Param(w, name + ".weight"), b.Param(w, name + ".bias"),
            b.Param(w, name + ".running_mean"), b.Param(w, name + ".running_var"), BatchNormEpsilon);

    // models.py ConvBlock.forward: relu(bn1(conv1)), relu(bn2(conv2)), avg_pool2d(2, 2); 3x3, padding 1, no bias.
    private static string ConvBlock(GraphBuilder b, IWeights w, string name, string x, bool pool)
    {
        x = b.Relu(name + ".relu1", BatchNorm(b, w, name + ".bn1", b.Conv(name + ".conv1", x, b.Param(w, name + ".conv1.weight"), null, [1, 1])));
        x = b.Relu(name + ".relu2", BatchNorm(b, w, name + ".bn2", b.Conv(name + ".conv2", x, b.Param(w, name + ".conv2.weight"), null, [1, 1])));
        return pool ? b.AveragePool2d(name + ".pool", x, 2, 2, 2, 2) : x;
    }

    // forward(): mean over frequency, then max + mean over time, fc1, ReLU.
    private static string Head(GraphBuilder b, IWeights w, string x)
    {
        var overFrequency = b.ReduceMean("pool.freq_mean", x, keepDims: false, 3);            // [1, C, T']
        var clip = b.Add("pool.max_plus_mean", b.ReduceMax("pool.time_max", overFrequency, keepDims: false, 2),
            b.ReduceMean("pool.time_mean", overFrequency, keepDims: false, 2));                // [1, C]
        var fc1 = b.Add("fc1", b.MatMul("fc1.matmul", clip, b.LinearWeightTransposed(w, "fc1.weight")), b.Param(w, "fc1.bias"));
        return b.Relu(Embedding, fc1);
    }
}

/// <summary>Checkpoint tensors already in memory, as a graph builder reads them.</summary>
internal sealed class TensorWeights(IReadOnlyDictionary<string, Tensor> tensors) : IWeights
{
    public int[] Shape(string name) => tensors[name].Shape;
    public float[] Floats(string name) => tensors[name].Data;
    public byte[] Bytes(string name) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensors[name].Data.AsSpan()).ToArray();
}
