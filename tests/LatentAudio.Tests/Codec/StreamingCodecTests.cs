using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Dsp;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Codec;

/// <summary>The block-by-block encoder and decoder give what the whole-signal computations give.</summary>
public class StreamingCodecTests
{
    private static float[] Noise(int n, int seed, float dc = 0.01f)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(0.3 * Math.Sin(i * 0.013) + 0.1 * (rng.NextDouble() - 0.5)) + dc;
        return x;
    }

    [Theory]
    [InlineData(300)]        // shorter than half an FFT: reflection wraps
    [InlineData(16_000 * 3 + 77)]
    [InlineData(16_000 * 11 + 160 * 5)]
    public void RealFrontEndBlockMembersEqualTheWholeSignalOnes(int n)
    {
        var fe = new AudioLdmFrontEnd(MelConfig.AudioLdm16k);
        var x = Noise(n, 5, dc: 0.2f);
        var whole = fe.Normalize(x);
        var meter = fe.MeasureLevel(n);
        for (int at = 0; at < n; at += 4093) meter.Add(x.AsSpan(at, Math.Min(4093, n - at)));
        var (mean, scale) = meter.Finish();
        Assert.Equal(whole.Mean, mean);
        Assert.Equal(whole.Scale, scale);
        var y = new float[n];
        fe.NormalizeBlock(x, mean, scale, y);
        Assert.Equal(whole.Samples, y);

        var mel = fe.LogMel(whole.Samples);
        long frames = n / 160 + 1;
        Assert.Equal(mel.Shape[0], frames);
        foreach (long first in new long[] { 0, 4, 8, 100, frames / 2 / 4 * 4, Math.Max(0, frames - 9) / 4 * 4 })
        {
            int count = (int)Math.Min(frames - first, 37);
            if (count <= 0) continue;
            var (start, end) = fe.MelSupport(first, count, n);
            var part = fe.LogMelFrames(y.AsSpan((int)start, (int)(end - start)), start, n, first, count);
            for (int t = 0; t < count; t++)
                for (int m = 0; m < 64; m++)
                    Assert.True(mel.Data[(first + t) * 64 + m] == part.Data[t * 64 + m], $"frame {first + t} bin {m}");
        }
    }

    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(16000, 44100)]
    [InlineData(22050, 16000)]
    public void ResamplingStageEqualsResamplingTheWholeSignal(int from, int to)
    {
        var x = Noise(from * 3 + 123, 9);
        var whole = Resampler.Resample(x, from, to);
        var got = new List<float>();
        var r = new ResamplingStage(from, to, s => got.AddRange(s.ToArray()));
        var rng = new Random(4);
        for (int at = 0; at < x.Length;)
        {
            int take = Math.Min(x.Length - at, rng.Next(1, 20_000));
            r.Push(x.AsSpan(at, take));
            at += take;
        }
        r.Finish();
        Assert.Equal(whole, got.ToArray());
    }

    [Fact]
    public void ChunkedVocoderMatchesOneCallForALocalVocoder()
    {
        const int frames = 5000, mels = 64, hop = 160;
        var mel = new float[frames * mels];
        for (int i = 0; i < mel.Length; i++) mel[i] = (float)Math.Sin(i * 0.001);
        // a hop-aligned, local "vocoder": each frame becomes hop samples, plus an extra tail like the HiFi-GAN's
        float[] Vocode(Tensor m) => Enumerable.Range(0, m.Shape[0] * hop + 32).Select(i => m.Data[Math.Min(i / hop, m.Shape[0] - 1) * mels] * 0.5f).ToArray();
        var whole = Vocode(new Tensor(mel, frames, mels));
        var got = new List<float>();
        int calls = 0;
        var v = new ChunkedVocoder(m => { calls++; return Vocode(m); }, mels, hop, frames, s => got.AddRange(s.ToArray()));
        for (int at = 0; at < frames; at += 700) v.Push(mel.AsSpan(at * mels, Math.Min(700, frames - at) * mels));
        v.Finish();
        Assert.True(calls > 1);
        Assert.Equal(whole.Length, got.Count);
        for (int i = 0; i < whole.Length; i++) Assert.True(Math.Abs(whole[i] - got[i]) <= 1e-6f, $"sample {i}");
    }

    [Fact]
    public void WindowedMelDecodeEqualsTheWholeLatentCrossfade()
    {
        var vae = new FakeAutoencoder();
        var codec = new LatentCodec(vae, CodecTestData.ModelA, new FakeFrontEnd());
        using var ms = new MemoryStream();
        codec.Encode(CodecTestData.Tone(41.0), ms, new LatentCodecOptions(QuantiserSettings.FixedStep(0.05)));
        var bytes = ms.ToArray();
        var reader = LatentFileReader.Open(new MemoryStream(bytes), "x");
        var h = reader.Header;
        var plan = h.Plan();
        Assert.True(plan.Windows.Count >= 4);
        // reference: the whole latent, then every window decoded and cross-faded over the whole length (the pre-streaming decoder)
        int c = h.LatentChannels, rows = h.LatentRows, tl = h.LatentFrames;
        var latent = new float[c * tl * rows];
        foreach (var w in reader.ReadWindows())
            for (int ch = 0; ch < c; ch++)
                Array.Copy(w.Owned.Values, ch * w.Window.OwnedLength * rows, latent, (ch * tl + w.Window.OwnedStart) * rows, w.Window.OwnedLength * rows);
        var sum = new double[h.MelFrames * 64];
        var weights = new double[h.MelFrames];
        foreach (var w in plan.Windows)
        {
            var slice = new float[c * w.Length * rows];
            for (int ch = 0; ch < c; ch++) Array.Copy(latent, (ch * tl + w.Start) * rows, slice, ch * w.Length * rows, w.Length * rows);
            var mel = vae.Decode(new Tensor(slice, 1, c, w.Length, rows));
            for (int t = 0; t < w.Length * 4; t++)
            {
                int f = w.Start * 4 + t;
                double wt = plan.Weight(w, f, 4);
                weights[f] += wt;
                for (int m = 0; m < 64; m++) sum[f * 64 + m] += wt * mel.Data[t * 64 + m];
            }
        }
        var decoded = codec.DecodeMel(new MemoryStream(bytes), "x").Mels[0];
        for (int f = 0; f < h.MelFrames; f++)
            for (int m = 0; m < 64; m++)
                Assert.Equal((float)(sum[f * 64 + m] / weights[f]), decoded.Data[f * 64 + m]);
    }

    [Fact]
    public void EncodingAFileStreamedEqualsEncodingItsBuffer()
    {
        using var tmp = new TestPaths.TempDir();
        var audio = CodecTestData.Tone(23.0, rate: 44100, channels: 2);
        LatentAudio.Audio.WavWriter.Write(tmp.File("a.wav"), audio, LatentAudio.Audio.WavSampleFormat.Float32);
        var codec = new LatentCodec(new FakeAutoencoder(), CodecTestData.ModelA, new FakeFrontEnd());
        using var fromBuffer = new MemoryStream();
        using var fromFile = new MemoryStream();
        var options = new LatentCodecOptions(QuantiserSettings.FixedStep(0.05), ChannelMode.Each);
        codec.Encode(audio, fromBuffer, options);
        codec.Encode(() => LatentAudio.Audio.AudioFile.OpenReader(tmp.File("a.wav")), fromFile, options);
        Assert.Equal(fromBuffer.ToArray(), fromFile.ToArray());
        // and the decoded length is the input's, exactly
        var back = codec.DecodeAudio(new MemoryStream(fromFile.ToArray()), "a", m => new float[m.Shape[0] * 160]);
        Assert.Equal((audio.Length, 2, 44100), (back.Length, back.ChannelCount, back.SampleRate));
    }

    [Theory]
    [InlineData(5_000)]
    [InlineData(20_000)]
    public void StreamedZstdBaselineEqualsOneShotCompression(int blocks)
    {
        var rng = new Random(3);
        using var stats = new SymbolStatistics(8, 8L * blocks);
        var all = new List<byte>();
        for (int done = 0; done < blocks;)
        {
            int n = Math.Min(blocks - done, rng.Next(1, 5000));
            var symbols = Enumerable.Range(0, 8 * n).Select(_ => (int)Math.Round(rng.NextDouble() * rng.NextDouble() * 40 - 10)).ToArray();
            stats.Add(symbols);
            foreach (var v in symbols) { all.Add((byte)v); all.Add((byte)(v >> 8)); }
            done += n;
        }
        Assert.Equal(SymbolStatistics.ZstdBytes(all.ToArray()), stats.ZstdBytes());
    }
}
