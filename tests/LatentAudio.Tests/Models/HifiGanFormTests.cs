using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vocoder;
using LatentAudio.Tensors;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Models;

/// <summary>
/// The vocoder graph's fast form (<see cref="HifiGanForm.Fast"/>: 2-d rows of height 1) against the reference form
/// (transformers' Conv1d / ConvTranspose1d one to one) on random weights: the same output length and values to
/// float rounding, and the same FLOP count, for upsample rates and kernels that do and do not divide (16/5, 7/3),
/// odd k - u (5/2), no padding (4/4, 3/2), one frame and several, a batch of 2.
/// </summary>
public sealed class HifiGanFormTests(ITestOutputHelper output)
{
    private sealed class RandomWeights(VocoderConfig c, int seed) : IWeights
    {
        private readonly Dictionary<string, float[]> _values = ExpectedTensors.ForVocoder(c).ToDictionary(s => s.Name, s =>
        {
            var rng = new Random(seed ^ s.Name.Length ^ (s.Name.Sum(ch => ch) << 8));
            int n = s.Shape.Aggregate(1, (a, b) => a * b);
            // Weights ~ U(+-1.5/sqrt(fan)) keep the activations O(1); biases and "mean" small; "scale" (a divisor) in [0.5, 1.5].
            if (s.Name == "scale") return Enumerable.Range(0, n).Select(_ => 0.5f + rng.NextSingle()).ToArray();
            float amplitude = s.Shape.Length > 1 ? 1.5f / MathF.Sqrt(n / s.Shape[0]) : 0.1f;
            return Enumerable.Range(0, n).Select(_ => amplitude * (2 * rng.NextSingle() - 1)).ToArray();
        });
        private readonly Dictionary<string, int[]> _shapes = ExpectedTensors.ForVocoder(c).ToDictionary(s => s.Name, s => s.Shape);
        public int[] Shape(string name) => _shapes[name];
        public float[] Floats(string name) => _values[name];
        public byte[] Bytes(string name) => System.Runtime.InteropServices.MemoryMarshal.AsBytes(_values[name].AsSpan()).ToArray();
    }

    [Theory]
    [InlineData(new[] { 5, 4, 2, 2, 2 }, new[] { 16, 16, 8, 4, 4 }, 32, true)] // cvssp/audioldm2's rates and kernels
    [InlineData(new[] { 3, 2 }, new[] { 7, 5 }, 16, false)]
    [InlineData(new[] { 4, 2 }, new[] { 4, 3 }, 16, true)]
    public void TheFastFormEqualsTheReference(int[] rates, int[] kernels, int channels, bool normalize)
    {
        var c = new VocoderConfig(8, 16000, channels, rates, kernels, [3, 5], [[1, 3], [1, 2]], 0.1, normalize);
        var w = new RandomWeights(c, 15);
        var reference = HifiGanGraph.Build(c, w, HifiGanForm.Reference, trackFrames: 7);
        using var refNet = new OnnxNetwork(reference.Model, new SessionSettings(IntraOpThreads: 1));
        var form = HifiGanForm.Fast;
        var graph = HifiGanGraph.Build(c, w, form, trackFrames: 7);
        Assert.Equal(reference.Flops, graph.Flops); // the same multiply-adds, counted the same way
        using var net = new OnnxNetwork(graph.Model, new SessionSettings(IntraOpThreads: 1));
        foreach (int frames in new[] { 1, 7, 40 })
        {
            var rng = new Random(frames);
            var mel = new Tensor(Enumerable.Range(0, 2 * frames * 8).Select(_ => 4 * rng.NextSingle() - 3).ToArray(), 2, frames, 8);
            var expected = refNet.Run(HifiGanGraph.MelInput, mel)[HifiGanGraph.WaveformOutput];
            var actual = net.Run(HifiGanGraph.MelInput, mel)[HifiGanGraph.WaveformOutput];
            Assert.Equal(expected.Shape, actual.Shape);
            float scale = expected.Data.Max(MathF.Abs), e = actual.MaxAbsDifference(expected);
            output.WriteLine($"{form} rates [{string.Join(",", rates)}] kernels [{string.Join(",", kernels)}] T={frames}: {expected.Shape[1]} samples, max|y| {scale:F3}, max|diff| {e:E2}");
            Assert.True(scale > 0.05f, "the random network should not be near zero");
            Assert.True(e <= 2e-6f * Math.Max(1f, scale), $"{form} T={frames}: max|diff| {e}");
        }
    }
}
