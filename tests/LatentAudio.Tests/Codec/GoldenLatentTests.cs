using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Entropy;
using LatentAudio.Codec.Quantisation;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Codec;

/// <summary>
/// Coding measurements on the golden chain latents ([1, 8, 256, 16] posterior means of the reference pipeline, one
/// 10.24 s window): exact integer round trip, real coded size vs entropy vs zstd, histogram vs Laplace.
/// </summary>
public class GoldenLatentTests(ITestOutputHelper output)
{
    private const double Seconds = 10.24;

    [Theory]
    [InlineData("speech_libri1")]
    [InlineData("env_robin")]
    public void IntegersRoundTripExactly(string stem)
    {
        var block = CodecTestData.GoldenLatent(stem);
        foreach (double step in new[] { 0.001, 0.01, 0.1, 1.0 })
        {
            var coded = LatentBlockCoder.Encode(block, QuantiserSettings.FixedStep(step), 16, ProbabilityModelPolicy.Smallest);
            var w = new LatentAudio.Codec.Bitstream.ByteWriter();
            LatentBlockCoder.WriteBody(coded, w);
            var (latent, symbols) = LatentBlockCoder.ReadBody(new LatentAudio.Codec.Bitstream.ByteReader(w.ToArray(), "x", "body"), 8, 256, 16, 16);
            Assert.Equal(coded.Symbols, symbols);
            Assert.Equal(coded.Quantiser.Dequantise(coded.Symbols), latent.Values);
            for (int i = 0; i < block.Values.Length; i++)
                Assert.True(Math.Abs(block.Values[i] - latent.Values[i]) <= step / 2 * 1.0001 + 1e-6);
        }
    }

    [Theory]
    [InlineData("speech_libri1")]
    [InlineData("env_robin")]
    public void CodedSizeIsNearTheEntropyAndBeatsZstd(string stem)
    {
        var block = CodecTestData.GoldenLatent(stem);
        double std = Math.Sqrt(block.Values.Select(v => (double)v * v).Average());
        output.WriteLine($"{stem}: 32768 values, rms {std:0.####}, range [{block.Values.Min():0.###}, {block.Values.Max():0.###}] — kbps over 10.24 s");
        output.WriteLine("step    | entropy | hist-only | laplace-only | chosen (body) | laplace chans | delta chans | zstd-19 int16 | zstd-19 int8");
        foreach (double step in new[] { 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0 })
        {
            var hist = LatentBlockCoder.Encode(block, QuantiserSettings.FixedStep(step), 16, ProbabilityModelPolicy.HistogramOnly);
            var lap = LatentBlockCoder.Encode(block, QuantiserSettings.FixedStep(step), 16, ProbabilityModelPolicy.LaplaceOnly);
            var best = LatentBlockCoder.Encode(block, QuantiserSettings.FixedStep(step), 16, ProbabilityModelPolicy.Smallest);
            var stats = new SymbolStatistics(8);
            stats.Add(best.Symbols);
            double entropy = stats.EntropyBits();
            long zstd16 = stats.ZstdBytes();
            var int8 = best.Symbols.All(s => s is >= -128 and <= 127) ? best.Symbols.Select(s => (byte)(sbyte)s).ToArray() : null;
            long? zstd8 = int8 is null ? null : SymbolStatistics.ZstdBytes(int8);
            output.WriteLine($"{step,-7} | {Kbps(entropy / 8),7:0.000} | {Kbps(hist.BodyBytes),9:0.000} | {Kbps(lap.BodyBytes),12:0.000} | {Kbps(best.BodyBytes),13:0.000} | {best.Models.Count(m => m.Kind == ProbabilityModelKind.Laplace),13} | {best.Predictors.Count(p => p == FramePredictor.PreviousFrame),11} | {Kbps(zstd16),13:0.000} | {(zstd8 is null ? "n/a" : Kbps(zstd8.Value).ToString("0.000")),12}");
            Assert.True(best.BodyBytes <= Math.Min(hist.BodyBytes, lap.BodyBytes) + 8);
            // Above 1 kbps the modelled coder beats zstd outright. Below, on env_robin (2.7 s of audio zero-padded to
            // 10.24 s by the reference pipeline: 74% of the latent is one repeated frame), zstd's long matches and our
            // ~150 bytes of per-window side information make them comparable: at most 30% + 160 bytes apart.
            if (Kbps(zstd16) > 1.0) Assert.True(best.BodyBytes < zstd16, "the modelled coder must beat zstd on the same integers");
            Assert.True(best.BodyBytes < Math.Min(zstd16, zstd8 ?? long.MaxValue) * 1.3 + 160, $"the modelled coder must not lose clearly to zstd: {best.BodyBytes} vs {zstd16}/{zstd8}");
            // the coder itself: within 0.5% (+ the 64-bit final state) of the ideal code length under its tables
            Assert.InRange(best.RansStream.Length * 8.0, best.IdealPayloadBits, best.IdealPayloadBits * 1.005 + 96);
        }
    }

    /// <summary>
    /// Cross-machine check: a block body written by this implementation (speech_libri1, Δ = 0.1, P = 16) must decode
    /// to the same integers everywhere (integer-only decoding), and today's encoder must still write those bytes.
    /// </summary>
    [Fact]
    public void StoredBodyDecodesBitExactly()
    {
        var body = File.ReadAllBytes(TestPaths.Fixtures("codec", "speech_libri1_step0.1.body"));
        var (latent, symbols) = LatentBlockCoder.ReadBody(new LatentAudio.Codec.Bitstream.ByteReader(body, "fixture", "body"), 8, 256, 16, 16);
        var symbolBytes = symbols.SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Equal(0x999164ccu, LatentAudio.Codec.Bitstream.Crc32.Compute(symbolBytes));
        var golden = CodecTestData.GoldenLatent("speech_libri1");
        for (int i = 0; i < latent.Values.Length; i++) Assert.True(Math.Abs(latent.Values[i] - golden.Values[i]) <= 0.05f + 1e-6f);

        var again = LatentBlockCoder.Encode(golden, QuantiserSettings.FixedStep(0.1), 16, ProbabilityModelPolicy.Smallest);
        var w = new LatentAudio.Codec.Bitstream.ByteWriter();
        LatentBlockCoder.WriteBody(again, w);
        Assert.Equal(body, w.ToArray());
    }

    [Fact]
    public void WholeFileOfAGoldenLatentHasAModestHeader()
    {
        var (file, report) = (new MemoryStream(), (BitrateReport?)null);
        var codec = new LatentCodec(new FakeAutoencoder(), CodecTestData.ModelA, new FakeFrontEnd());
        report = codec.Encode(CodecTestData.Tone(Seconds), file, new LatentCodecOptions(QuantiserSettings.FixedStep(0.1)));
        output.WriteLine(report.ToText());
        Assert.InRange(report.HeaderBytes, 80, 200);
    }

    private static double Kbps(double bytes) => bytes * 8 / Seconds / 1000;
}
