using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Codec;

public class LatentCodecTests
{
    private static LatentCodec Codec(FakeAutoencoder? vae = null) => new(vae ?? new FakeAutoencoder(), CodecTestData.ModelA, new FakeFrontEnd());

    [Fact]
    public void DecodedFileEqualsDecodingTheDequantisedLatentDirectly()
    {
        var audio = CodecTestData.Tone(4.0);
        var vae = new FakeAutoencoder();
        var codec = Codec(vae);
        using var ms = new MemoryStream();
        codec.Encode(audio, ms, new LatentCodecOptions(QuantiserSettings.FixedStep(0.1)));
        var bytes = ms.ToArray();

        // the dequantised latent as the file stores it (single window: the whole clip)
        var reader = LatentFileReader.Open(new MemoryStream(bytes), "x");
        var window = Assert.Single(reader.ReadWindows());
        var latent = new Tensor(window.Owned.Values, 1, 8, window.Owned.Frames, 16);
        var direct = vae.Decode(latent).SqueezeLeading(2);

        var decoded = codec.DecodeMel(new MemoryStream(bytes), "x");
        Assert.Equal(direct.Shape, decoded.Mels[0].Shape);
        Assert.Equal(0f, direct.MaxAbsDifference(decoded.Mels[0]));

        // and the quantisation error is at most half a step
        var (mean, _) = vae.Encode(new Tensor(PadMel(new FakeFrontEnd(), audio), 1, 1, window.Owned.Frames * 4, 64));
        Assert.True(mean.MaxAbsDifference(latent) <= 0.05f + 1e-6f);
    }

    private static float[] PadMel(FakeFrontEnd fe, LatentAudio.Audio.AudioBuffer audio)
    {
        // the frame rule: the normalised waveform zero-padded to T·hop samples, T = max(1024, ceil(N/160) rounded to 4)
        var x = fe.Normalize(audio.Channel(0)).Samples;
        int t = (int)FrameRule.MelFrames(audio.Length, 160, 4, 1024);
        var padded = new float[t * 160];
        x.CopyTo(padded, 0);
        return fe.LogMel(padded).Data.AsSpan(0, t * 64).ToArray();
    }

    [Fact]
    public void WindowedCodingStoresEveryFrameOnceAndMatchesTheWholeClipLatent()
    {
        var audio = CodecTestData.Tone(31.0);
        var vae = new FakeAutoencoder();
        using var ms = new MemoryStream();
        Codec(vae).Encode(audio, ms, new LatentCodecOptions(QuantiserSettings.FixedStep(0.02)));
        var reader = LatentFileReader.Open(new MemoryStream(ms.ToArray()), "x");
        var windows = reader.ReadWindows().ToList();
        Assert.Equal(4, windows.Count);
        Assert.Equal(reader.Header.LatentFrames, windows.Sum(w => w.Owned.Frames)); // overlap costs no stored frames
        Assert.Equal(4, vae.EncodeCalls);

        // the fake VAE is local, so each window's own frames equal the whole-clip latent within half a step
        var whole = vae.Encode(new Tensor(PadMel(new FakeFrontEnd(), audio), 1, 1, reader.Header.MelFrames, 64)).Mean.SqueezeLeading(3);
        foreach (var w in windows)
            for (int c = 0; c < 8; c++)
                for (int t = 0; t < w.Owned.Frames; t++)
                    for (int r = 0; r < 16; r++)
                    {
                        float stored = w.Owned.Values[(c * w.Owned.Frames + t) * 16 + r];
                        float reference = whole.Data[(c * whole.Shape[1] + w.Window.OwnedStart + t) * 16 + r];
                        Assert.True(Math.Abs(stored - reference) <= 0.0100001f, $"c{c} t{w.Window.OwnedStart + t}");
                    }
    }

    [Fact]
    public void DecodeAudioRestoresLengthRateAndLevel()
    {
        var audio = CodecTestData.Tone(1.3, rate: 22050, channels: 2);
        var codec = Codec();
        using var ms = new MemoryStream();
        var report = codec.Encode(audio, ms, new LatentCodecOptions(QuantiserSettings.FixedStep(0.05), ChannelMode.Each));
        Assert.Equal(2, report.CodedStreams);
        // a stand-in "vocoder": 160 samples per frame of a signal at the normalised level (peak 0.5), plus the HiFi-GAN's extra 32
        var rebuilt = codec.DecodeAudio(new MemoryStream(ms.ToArray()), "x", mel =>
            Enumerable.Range(0, mel.Shape[0] * 160 + 32).Select(i => (float)(0.5 * Math.Sin(i * 0.01))).ToArray());
        Assert.Equal(2, rebuilt.ChannelCount);
        Assert.Equal(22050, rebuilt.SampleRate);
        Assert.Equal(audio.Length, rebuilt.Length);
        // restored to the original level: the normalised peak 0.5 maps back to the input's peak deviation
        Assert.InRange(rebuilt.Peak(), 0.8 * audio.Peak(), 1.2 * audio.Peak());
    }

    [Fact]
    public void TargetBitrateModeMeetsItsBudget()
    {
        var audio = CodecTestData.Tone(6.0);
        foreach (double kbps in new[] { 2.0, 6.0, 16.0 })
        {
            using var ms = new MemoryStream();
            var report = Codec().Encode(audio, ms, new LatentCodecOptions(QuantiserSettings.TargetKbps(kbps)));
            // the target is the latent payload; the header and framing add a few hundred bits per second at most
            Assert.True(report.PayloadKbps <= kbps * 1.02 + 0.1, $"{kbps}: payload {report.PayloadKbps}");
            Assert.True(report.PayloadKbps >= kbps * 0.7, $"{kbps}: payload {report.PayloadKbps} far below target");
        }
    }

    [Fact]
    public void BitrateReportIsHonest()
    {
        var audio = CodecTestData.Tone(10.24, rate: 44100, channels: 2);
        using var ms = new MemoryStream();
        var r = Codec().Encode(audio, ms, new LatentCodecOptions(QuantiserSettings.FixedStep(0.1)));
        Assert.Equal(ms.Length, r.FileBytes);
        Assert.Equal(1, r.CodedStreams);
        Assert.Equal(102.4, r.NominalFloat32Kbps, 1); // 3200 values/s × 32 bits for one coded stream
        Assert.Equal(ms.Length * 8 / 10.24 / 1000, r.ActualKbps, 9);
        Assert.Equal(44100 * 2 * 16 / 1000.0 / r.ActualKbps, r.RatioVsInputPcm16, 9);
        Assert.Equal(256 / r.ActualKbps, r.RatioVs16kMonoPcm16, 9);
        Assert.Contains("actual file", r.ToText());
    }

    [Fact]
    public void SilenceIsRefusedClearly()
    {
        var silent = LatentAudio.Audio.AudioBuffer.Mono(new float[16000], 16000);
        var e = Assert.Throws<InvalidInputException>(() => Codec().Encode(silent, new MemoryStream(), new LatentCodecOptions(QuantiserSettings.FixedStep(0.1)), "quiet.wav"));
        Assert.Contains("quiet.wav", e.Message);
    }

    [Fact]
    public void WindowPlanTilesExactlyAndRespectsTheOverlap()
    {
        foreach (int frames in new[] { 1, 4, 255, 256, 257, 480, 481, 700, 2000, 9001 })
        {
            var plan = new LatentWindowPlan(frames, 256, 32);
            int next = 0;
            foreach (var w in plan.Windows)
            {
                Assert.Equal(next, w.OwnedStart);
                Assert.True(w.OwnedLength > 0);
                Assert.True(w.Start <= w.OwnedStart && w.OwnedEnd <= w.End);
                Assert.Equal(Math.Min(frames, 256), w.Length);
                next = w.OwnedEnd;
            }
            Assert.Equal(frames, next);
            for (int i = 1; i < plan.Windows.Count; i++)
                Assert.True(plan.Windows[i - 1].End - plan.Windows[i].Start >= 32, $"{frames}: overlap too small");
            for (int t = 0; t < frames * 4; t++)
                Assert.True(plan.Windows.Where(w => w.Start * 4 <= t && t < w.End * 4).Sum(w => plan.Weight(w, t, 4)) > 0);
        }
        Assert.Single(new LatentWindowPlan(256, 256, 32).Windows);
        Assert.Equal(2, new LatentWindowPlan(257, 256, 32).Windows.Count);
        Assert.Equal(3, new LatentWindowPlan(700, 256, 32).Windows.Count);
    }
}
