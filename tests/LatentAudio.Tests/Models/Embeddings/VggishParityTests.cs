using System.Text.Json;
using LatentAudio.Audio;
using LatentAudio.Metrics.Distribution;
using LatentAudio.Models.Embeddings;
using LatentAudio.Models.Embeddings.Vggish;
using LatentAudio.Models.Onnx;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Models.Embeddings;

/// <summary>
/// VGGish against harritaylor/torchvggish@f3f90969 run on pseudo-random weights (Fixtures/fad/vggish.json and the
/// four clips beside it, made by reference/fad/vggish.py). The weights are rebuilt here from the script's formula.
/// </summary>
public sealed class VggishParityTests : IClassFixture<VggishParityTests.Model>
{
    private static readonly Lazy<JsonElement> Fixture = new(() =>
        JsonDocument.Parse(File.ReadAllText(TestPaths.Fixtures("fad", "vggish.json"))).RootElement);

    private readonly Model _model;
    public VggishParityTests(Model model) => _model = model;

    /// <summary>The network built once from the formula (reference/fad/vggish.py pseudo_random, same tensor order).</summary>
    public sealed class Model : IDisposable
    {
        public OnnxNetwork Network { get; }
        public VggishPostprocessor Postprocessor { get; }

        public Model()
        {
            var tensors = new Dictionary<string, Tensor>();
            string[] names = ["features.0", "features.3", "features.6", "features.8", "features.11", "features.13",
                "embeddings.0", "embeddings.2", "embeddings.4"];
            var shapes = VggishGraph.ExpectedTensors.ToDictionary(t => t.Name, t => t.Shape);
            for (int t = 0; t < names.Length; t++)
            {
                var shape = shapes[names[t] + ".weight"];
                int fanIn = shape.Skip(1).Aggregate(1, (a, b) => a * b);
                double bound = Math.Sqrt(6.0 / fanIn);
                tensors[names[t] + ".weight"] = new Tensor(PseudoRandom(shape.Aggregate(1, (a, b) => a * b), 2 * t, bound), shape);
                tensors[names[t] + ".bias"] = new Tensor(PseudoRandom(shape[0], 2 * t + 1, 0.01), shape[0]);
            }
            Network = new OnnxNetwork(VggishGraph.Build(new StateDictWeights(tensors, "formula", VggishGraph.ExpectedTensors)), SessionSettings.Default);
            Postprocessor = new VggishPostprocessor(PseudoRandom(128 * 128, 100, 0.25), PseudoRandom(128, 101, 0.01));
        }

        public void Dispose() => Network.Dispose();
    }

    internal static float[] PseudoRandom(int count, int salt, double bound)
    {
        var result = new float[count];
        ulong offset = (ulong)(salt * 40503 + 12345);
        for (int i = 0; i < count; i++)
        {
            double u = (double)(((ulong)i * 2654435761UL + offset) % (1UL << 32)) / 4294967296.0;
            result[i] = (float)((2 * u - 1) * bound);
        }
        return result;
    }

    private static float[] Mono(string file)
    {
        var a = AudioFile.Read(TestPaths.Fixtures("fad", file));
        Assert.Equal(16000, a.SampleRate);
        return a.Channel(0);
    }

    private static float[][] Rows(JsonElement e) =>
        e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();

    private IReadOnlyList<float[]> RawEmbeddings(IReadOnlyList<float[]> examples)
    {
        var input = examples.SelectMany(x => x).ToArray();
        var output = _model.Network.Run(VggishGraph.Input, new Tensor(input, examples.Count, 1, 96, 64))[VggishGraph.Output];
        return Enumerable.Range(0, examples.Count).Select(i => output.Data.AsSpan(i * 128, 128).ToArray()).ToList();
    }

    // Measured: equal within 1e-8 (float64 on both sides, the same float32 rounding at the end); tolerance 1e-6, a
    // float32 step at the examples' magnitude (~8).
    [Fact]
    public void LogMelExamplesMatchThePort()
    {
        var clip = Fixture.Value.GetProperty("clips")[0];
        var expected = clip.GetProperty("examples").EnumerateArray().Select(e => Rows(e).SelectMany(r => r).ToArray()).ToArray();
        var actual = new VggishLogMel().Examples(Mono(clip.GetProperty("file").GetString()!));
        Assert.Equal(expected.Length, actual.Count);
        for (int e = 0; e < expected.Length; e++)
            for (int i = 0; i < expected[e].Length; i++) Assert.Equal(expected[e][i], actual[e][i], 1e-6);
    }

    // Measured: max |Δ| between 2.4e-7 and 1e-6 on embeddings of magnitude ~0.2 (ONNX Runtime vs torch float32
    // convolutions and GEMMs); tolerance 5e-6.
    [Fact]
    public void EmbeddingsMatchThePort()
    {
        var logMel = new VggishLogMel();
        foreach (var clip in Fixture.Value.GetProperty("clips").EnumerateArray())
        {
            var raw = RawEmbeddings(logMel.Examples(Mono(clip.GetProperty("file").GetString()!)));
            var expectedRaw = Rows(clip.GetProperty("raw"));
            var expectedActivated = Rows(clip.GetProperty("activated"));
            var expectedPost = Rows(clip.GetProperty("postprocessed"));
            Assert.Equal(expectedRaw.Length, raw.Count);
            for (int e = 0; e < raw.Count; e++)
            {
                var activated = raw[e].Select(v => Math.Max(v, 0f)).ToArray();
                var post = _model.Postprocessor.Apply(activated);
                for (int i = 0; i < 128; i++)
                {
                    Assert.Equal(expectedRaw[e][i], raw[e][i], 5e-6);
                    Assert.Equal(expectedActivated[e][i], activated[i], 5e-6);
                    Assert.Equal(expectedPost[e][i], post[i], 1.0); // 8-bit levels: a value on a rounding edge may move one step
                }
                Assert.True(expectedPost[e].Zip(post).Count(p => p.First != p.Second) <= 2);
            }
        }
    }

    // Measured: relative error 8.7e-6; tolerance 1e-4. The distance between these random-weight sets is small
    // (2.5e-3) next to the embeddings' size (~0.2), so their float32 differences weigh more than on real data.
    /// <summary>The PCA file as published: numpy float64 arrays in a torch.save dict (Fixtures/fad/vggish_pca_numpy.pth).</summary>
    [Fact]
    public void PcaParametersAreReadFromNumpyArrays()
    {
        var path = TestPaths.Fixtures("fad", "vggish_pca_numpy.pth");
        var tensors = LatentAudio.Models.Pickle.TorchCheckpointReader.Read(path);
        Assert.Equal([128, 128], tensors[VggishPostprocessor.EigenVectorsName].Shape);
        Assert.Equal([128], tensors[VggishPostprocessor.MeansName].Shape);
        Assert.Equal(PseudoRandom(128 * 128, 100, 0.25), tensors[VggishPostprocessor.EigenVectorsName].Data);
        Assert.Equal(PseudoRandom(128, 101, 0.01), tensors[VggishPostprocessor.MeansName].Data);
        var fromFile = VggishPostprocessor.From(tensors, path);
        var clip = Fixture.Value.GetProperty("clips")[1];
        var activated = Rows(clip.GetProperty("activated"));
        var expected = Rows(clip.GetProperty("postprocessed"));
        for (int e = 0; e < activated.Length; e++)
            Assert.True(expected[e].Zip(fromFile.Apply(activated[e])).All(p => Math.Abs(p.First - p.Second) <= 1));
    }

    [Fact]
    public void FrechetDistanceOfTheEmbeddingsMatchesFadtk()
    {
        var logMel = new VggishLogMel();
        var clips = Fixture.Value.GetProperty("clips").EnumerateArray().ToArray();
        EmbeddingStatistics Set(params int[] idx)
        {
            var s = new EmbeddingStatistics(128);
            foreach (int i in idx) s.AddRange(RawEmbeddings(logMel.Examples(Mono(clips[i].GetProperty("file").GetString()!))));
            return s;
        }
        double expected = Fixture.Value.GetProperty("fd_raw").GetDouble();
        double fd = FrechetDistance.Between(Set(0, 1), Set(2, 3));
        Assert.Equal(expected, fd, expected * 1e-4);
    }
}
