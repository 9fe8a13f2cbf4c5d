using LatentAudio.Models.Bench;
using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Vae;
using LatentAudio.Models.Vocoder;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Models;

/// <summary>
/// The full-size audioldm_48k architecture bench-models times (<see cref="FullSizeArchitecture.AudioLdm48k"/>): its
/// configs imply exactly the original checkpoint's first_stage_model tensors, and its graphs, built for 10.24 s
/// (1024 frames at hop 480, 256 mels), have the shapes and the FLOPs a hand count gives. Built on zero weights that
/// share one buffer per size (the real 1.66 GB of values do not change a shape or a FLOP); nothing is run.
/// </summary>
public sealed class FullSize48kFlopsTests(ITestOutputHelper output)
{
    private const int Frames = 1024, Bins = 256;

    /// <summary>Shapes from the config; values all zero, one shared array per byte length.</summary>
    private sealed class ZeroWeights(IEnumerable<TensorSpec> specs) : IWeights
    {
        private readonly Dictionary<string, int[]> _shapes = specs.ToDictionary(s => s.Name, s => s.Shape);
        private readonly Dictionary<long, byte[]> _zeros = [];
        private long Count(string name) => _shapes[name].Aggregate(1L, (a, b) => a * b);
        public int[] Shape(string name) => _shapes[name];
        public float[] Floats(string name) => new float[Count(name)];
        public byte[] Bytes(string name)
        {
            long n = 4 * Count(name);
            if (!_zeros.TryGetValue(n, out var b)) _zeros[n] = b = new byte[n];
            return b;
        }
    }

    private static (VaeConfig Vae, VocoderConfig Vocoder) Configs()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("vae.json"), FullSizeArchitecture.AudioLdm48k.VaeConfigJson);
        File.WriteAllText(dir.File("vocoder.json"), FullSizeArchitecture.AudioLdm48k.VocoderConfigJson);
        return (VaeConfig.Load(dir.File("vae.json")), VocoderConfig.Load(dir.File("vocoder.json")));
    }

    [Fact]
    public void TheConfigsImplyTheOriginalFullSizeKeyList()
    {
        var (vae, vocoder) = Configs();
        var layout = new LatentAudio.Models.Original.OriginalLayout(LatentAudio.Models.Original.OriginalFamily.AudioLdm48k, vae, vocoder);
        // The key list and shapes the original modules give (reference/audioldm48k/make_golden.py): all 506 tensors, no others.
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Tiny48kCheckpoint.File("fullsize_first_stage_shapes.json")));
        var shapes = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Equal(506, shapes.Count);
        layout.Validate("fullsize_first_stage_shapes.json", shapes); // throws on any missing, unexpected or mis-shaped tensor
        Assert.Equal(48000, vocoder.SamplingRate);
        Assert.Equal(480, vocoder.HopLength);
    }

    [Fact]
    public void VocoderFlopsAndLengthMatchAHandCount()
    {
        var (_, c) = Configs();
        var graph = HifiGanGraph.Build(c, new ZeroWeights(ExpectedTensors.ForVocoder(c)), Frames);
        // conv_pre 2*256*1536*7*T; per stage ConvTranspose 2*Lin*Cin*Cout*k, then 4 resblocks x 3 dilations x 2 convs
        // of 2*L*C*C*k; conv_post 2*L*C*7.
        double expected = 2.0 * Bins * 1536 * 7 * Frames;
        long length = Frames, ch = c.UpsampleInitialChannel;
        for (int i = 0; i < c.UpsampleRates.Length; i++)
        {
            int k = c.UpsampleKernelSizes[i], u = c.UpsampleRates[i];
            expected += 2.0 * length * ch * (ch / 2) * k;
            length = (length - 1) * u - 2 * ((k - u) / 2) + k;
            ch /= 2;
            foreach (var rk in c.ResblockKernelSizes) expected += 3 * 2 * (2.0 * length * ch * ch * rk);
        }
        expected += 2.0 * length * ch * 7;
        output.WriteLine($"48 kHz HiFi-GAN, 1024 frames: {graph.Flops:R} FLOPs, {length} samples");
        Assert.Equal(480 * Frames + 16, length); // 10.24 s at 48 kHz plus the transposed convolutions' 16 extra samples
        Assert.Equal(expected, graph.Flops);
    }

    [Fact]
    public void VaeFlopsMatchAHandCount()
    {
        var (c, _) = Configs();
        var weights = new ZeroWeights(ExpectedTensors.ForVae(c));
        var encoder = VaeGraphs.BuildEncoder(c, weights, Frames, Bins);
        var decoder = VaeGraphs.BuildDecoder(c, weights, Frames, Bins);
        var ch = c.BlockOutChannels; // [128, 256, 512, 1024]
        int z = c.LatentChannels, levels = ch.Length;
        static double Conv(double pixels, long cin, long cout, int k) => 2.0 * pixels * cin * cout * k * k;
        double Resnet(double pixels, long cin, long cout) =>
            Conv(pixels, cin, cout, 3) + Conv(pixels, cout, cout, 3) + (cin != cout ? Conv(pixels, cin, cout, 1) : 0);
        // Mid block: resnet, attention over N = pixels tokens (q, k, v, proj_out, QK^T, AV), resnet.
        double Mid(double n, long c1) => 2 * Resnet(n, c1, c1) + 4 * 2.0 * n * c1 * c1 + 2 * (2.0 * n * n * c1);

        double pixels = (double)Frames * Bins, enc = Conv(pixels, 1, ch[0], 3);
        long prev = ch[0];
        for (int i = 0; i < levels; i++)
        {
            for (int j = 0; j < c.LayersPerBlock; j++) enc += Resnet(pixels, j == 0 ? prev : ch[i], ch[i]);
            if (i < levels - 1) { pixels /= 4; enc += Conv(pixels, ch[i], ch[i], 3); } // stride-2 conv, output size
            prev = ch[i];
        }
        enc += Mid(pixels, ch[^1]) + Conv(pixels, ch[^1], 2 * z, 3) + Conv(pixels, 2 * z, 2 * z, 1);

        double dec = Conv(pixels, z, z, 1) + Conv(pixels, z, ch[^1], 3) + Mid(pixels, ch[^1]);
        prev = ch[^1];
        for (int i = 0; i < levels; i++)
        {
            long outCh = ch[levels - 1 - i];
            for (int j = 0; j < c.LayersPerBlock + 1; j++) dec += Resnet(pixels, j == 0 ? prev : outCh, outCh);
            if (i < levels - 1) { pixels *= 4; dec += Conv(pixels, outCh, outCh, 3); } // nearest x2, then conv
            prev = outCh;
        }
        dec += Conv(pixels, ch[0], 1, 3);
        output.WriteLine($"48 kHz VAE, [1,1,1024,256]: encoder {encoder.Flops:R}, decoder {decoder.Flops:R} FLOPs");
        Assert.Equal((double)Frames * Bins, pixels);
        Assert.Equal(enc, encoder.Flops);
        Assert.Equal(dec, decoder.Flops);
    }
}
