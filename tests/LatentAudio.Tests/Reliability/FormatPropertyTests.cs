using System.Buffers.Binary;
using System.Numerics;
using CsCheck;
using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Reliability;

/// <summary>Round trips of the file formats and the resampler's length rule, over generated inputs (CsCheck).</summary>
public class FormatPropertyTests
{
    private const int Iter = 150;

    private static AudioBuffer Read(byte[] wav)
    {
        using var reader = WavReader.Open(new MemoryStream(wav), "prop.wav");
        return AudioFile.ReadAll(reader, "prop.wav");
    }

    [Fact]
    public void Pcm16WavRoundTripIsBitExact()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 300], Gen.Int[1, 384000]).SelectMany(p =>
                Gen.Short.Array[p.Item1 * p.Item2].Select(s => (ch: p.Item1, n: p.Item2, rate: p.Item3, s)))
            .Sample(t =>
            {
                var planar = Enumerable.Range(0, t.ch).Select(c => Enumerable.Range(0, t.n).Select(i => t.s[c * t.n + i] / 32768f).ToArray()).ToArray();
                using var ms = new MemoryStream();
                WavWriter.Write(ms, new AudioBuffer(planar, t.rate), WavSampleFormat.Pcm16);
                var back = Read(ms.ToArray());
                Assert.Equal((t.ch, t.n, t.rate), (back.ChannelCount, back.Length, back.SampleRate));
                for (int c = 0; c < t.ch; c++) Assert.Equal(planar[c], back.Channel(c));
            }, iter: Iter, threads: 1);
    }

    [Fact]
    public void Float32WavRoundTripIsBitExact()
    {
        var finite = Gen.Int.Select(BitConverter.Int32BitsToSingle).Where(float.IsFinite);
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 200]).SelectMany(p => finite.Array[p.Item1 * p.Item2].Select(v => (ch: p.Item1, n: p.Item2, v)))
            .Sample(t =>
            {
                var planar = Enumerable.Range(0, t.ch).Select(c => t.v.AsSpan(c * t.n, t.n).ToArray()).ToArray();
                using var ms = new MemoryStream();
                WavWriter.Write(ms, new AudioBuffer(planar, 48000), WavSampleFormat.Float32);
                var back = Read(ms.ToArray());
                for (int c = 0; c < t.ch; c++)
                    Assert.Equal(planar[c].Select(BitConverter.SingleToInt32Bits), back.Channel(c).Select(BitConverter.SingleToInt32Bits));
            }, iter: Iter, threads: 1);
    }

    /// <summary>The formats WavWriter does not write (8/24/32-bit PCM, float64, EXTENSIBLE) are laid out by hand here.</summary>
    [Theory]
    [InlineData(8, false)]
    [InlineData(16, false)]
    [InlineData(24, false)]
    [InlineData(32, false)]
    [InlineData(32, true)]
    [InlineData(64, true)]
    public void HandWrittenWavFormatsReadBack(int bits, bool isFloat)
    {
        int bytes = bits / 8;
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 200], Gen.Bool).SelectMany(p =>
                Gen.Byte.Array[p.Item1 * p.Item2 * bytes].Select(raw => (ch: p.Item1, n: p.Item2, ext: p.Item3, raw)))
            .Sample(t =>
            {
                var raw = t.raw;
                if (isFloat) SanitiseFloats(raw, bits); // the reader keeps finite values only as the writer made them
                var wav = HandWav(t.ch, 22050, bits, isFloat, t.ext, raw);
                var back = Read(wav);
                Assert.Equal((t.ch, t.n), (back.ChannelCount, back.Length));
                for (int i = 0; i < t.n; i++)
                    for (int c = 0; c < t.ch; c++)
                    {
                        var s = raw.AsSpan((i * t.ch + c) * bytes, bytes);
                        float expected = (bits, isFloat) switch
                        {
                            (8, false) => (s[0] - 128) / 128f,
                            (16, false) => BinaryPrimitives.ReadInt16LittleEndian(s) / 32768f,
                            (24, false) => (s[0] | s[1] << 8 | (sbyte)s[2] << 16) / 8388608f,
                            (32, false) => (float)(BinaryPrimitives.ReadInt32LittleEndian(s) / 2147483648.0),
                            (32, true) => BinaryPrimitives.ReadSingleLittleEndian(s),
                            _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(s),
                        };
                        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(back.Channel(c)[i]));
                        if (!isFloat && bits <= 24) // integer formats up to 24 bits are exact in float32: back to the same integer
                            Assert.Equal(expected * (1 << (bits - 1)), MathF.Round(back.Channel(c)[i] * (1 << (bits - 1))));
                    }
            }, iter: 60, threads: 1);
    }

    private static void SanitiseFloats(byte[] raw, int bits)
    {
        for (int o = 0; o < raw.Length; o += bits / 8)
        {
            bool finite = bits == 32 ? float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(o)))
                                     : double.IsFinite(BinaryPrimitives.ReadDoubleLittleEndian(raw.AsSpan(o)));
            if (!finite) raw[o + bits / 8 - 1] &= 0x3F; // clear the top exponent bit: finite
        }
    }

    public static byte[] HandWav(int channels, int rate, int bits, bool isFloat, bool extensible, byte[] data)
    {
        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        int fmtSize = extensible ? 40 : 16, blockAlign = channels * bits / 8;
        w.Write("RIFF"u8); w.Write(4 + 8 + fmtSize + 8 + data.Length); w.Write("WAVE"u8);
        w.Write("fmt "u8); w.Write(fmtSize);
        w.Write((ushort)(extensible ? 0xFFFE : isFloat ? 3 : 1)); w.Write((ushort)channels); w.Write(rate);
        w.Write(rate * blockAlign); w.Write((ushort)blockAlign); w.Write((ushort)bits);
        if (extensible)
        {
            w.Write((ushort)22); w.Write((ushort)bits); w.Write(0u);
            // KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT: {0000000x-0000-0010-8000-00aa00389b71}
            w.Write((ushort)(isFloat ? 3 : 1)); w.Write((ushort)0);
            w.Write(new byte[] { 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71 });
        }
        w.Write("data"u8); w.Write(data.Length); w.Write(data);
        w.Flush();
        return ms.ToArray();
    }

    [Fact]
    public void NpyRoundTripKeepsShapeAndValues()
    {
        var finite = Gen.Int.Select(BitConverter.Int32BitsToSingle).Where(float.IsFinite);
        Gen.Int[0, 5].SelectMany(rank => Gen.Int[0, 6].Array[rank])
            .SelectMany(shape => finite.Array[shape.Aggregate(1, (a, d) => a * d)].Select(v => (shape, v)))
            .Sample(t =>
            {
                using var ms = new MemoryStream();
                NpyFile.Write(ms, new Tensor(t.v, t.shape));
                ms.Position = 0;
                var back = NpyFile.Read(ms, "prop.npy");
                Assert.Equal(t.shape, back.Shape);
                Assert.Equal(t.v.Select(BitConverter.SingleToInt32Bits), back.Data.Select(BitConverter.SingleToInt32Bits));
            }, iter: Iter, threads: 1);
    }

    [Fact]
    public void ResamplerOutputLengthIsCeilOfRatio()
    {
        // Rates share a random factor g: real rate pairs (44100/16000 = 441/160) reduce the same way, and the
        // reduced pair bounds the polyphase kernel count so each sample stays fast.
        Gen.Select(Gen.Int[1, 400], Gen.Int[1, 400], Gen.Int[1, 1000], Gen.Int[0, 3000], Gen.Long[0, 1L << 40])
            .Sample((a, b, g, n, longN) =>
            {
                int from = a * g, to = b * g;
                var r = new Resampler(from, to);
                var expected = (long)((new BigInteger(n) * to + from - 1) / from);
                Assert.Equal(expected, r.OutputLength(n));
                Assert.Equal(expected, r.Process(new float[n]).LongLength);
                // hour-long and longer inputs: the rule only, no samples
                Assert.Equal((long)((new BigInteger(longN) * to + from - 1) / from), r.OutputLength(longN));
            }, iter: Iter, threads: 1);
    }
}
