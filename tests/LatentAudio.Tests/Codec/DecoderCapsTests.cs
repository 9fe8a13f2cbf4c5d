using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Entropy;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Dsp;

namespace LatentAudio.Tests.Codec;

/// <summary>
/// A header's lengths are claims: a damaged or forged file must fail before they size anything, and a legitimately
/// tiny file describing a long signal must decode in memory bounded by the window, not by the length.
/// </summary>
public class DecoderCapsTests
{
    private static LatentCodec Codec() => new(new FakeAutoencoder(), CodecTestData.ModelA, new FakeFrontEnd());

    private static byte[] Encode(double seconds)
    {
        using var ms = new MemoryStream();
        Codec().Encode(CodecTestData.Tone(seconds), ms, new LatentCodecOptions(QuantiserSettings.FixedStep(0.05)));
        return ms.ToArray();
    }

    /// <summary>The file with its header replaced (new CRC) and its chunks kept.</summary>
    internal static byte[] WithHeader(byte[] file, Func<LatentFileHeader, LatentFileHeader> change)
    {
        var h = LatentFileReader.Open(new MemoryStream(file), "x").Header;
        using var ms = new MemoryStream();
        new LatentFileWriter(ms, change(h));
        int end = LatentFileFormat.PreambleBytes + BitConverter.ToInt32(file, 10) + 4;
        ms.Write(file, end, file.Length - end);
        return ms.ToArray();
    }

    /// <summary>Claims 2^31 − 1 samples (13 M mel frames) with a consistent frame count.</summary>
    internal static byte[] HugeClaim(byte[] file) => WithHeader(file, h => h with
    {
        SampleLength = int.MaxValue,
        MelFrames = (int)LatentFileHeader.MelFramesFor(int.MaxValue, h.SampleRate, h.CodedSampleRate, h.HopLength, h.Downsample, h.WindowMelFrames),
    });

    private static (Exception? Error, long Allocated) Measure(Action run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = null;
        try { run(); } catch (Exception e) { error = e; }
        return (error, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void HugeClaimedLengthIsRefusedWithoutABigAllocation()
    {
        var bad = HugeClaim(Encode(12));
        // seekable: the plan's window chunks cannot fit in the bytes present
        var (e1, a1) = Measure(() => Codec().DecodeMel(new MemoryStream(bad), "huge.lat"));
        Assert.Contains("huge.lat", Assert.IsType<InvalidInputException>(e1).Message);
        Assert.True(a1 < 1 << 20, $"allocated {a1} bytes");
        // forward-only (no size to check against): the in-memory and the streamed decoders both fail at the first chunk
        var (e2, a2) = Measure(() => Codec().DecodeMel(new ContainerTests.ForwardOnlyStream(bad), "pipe"));
        Assert.Contains("expected stream 0 window 0", Assert.IsType<InvalidInputException>(e2).Message);
        Assert.True(a2 < 8 << 20, $"allocated {a2} bytes");
        var (e3, a3) = Measure(() =>
        {
            var codec = Codec();
            codec.DecodeTo(codec.OpenChecked(new ContainerTests.ForwardOnlyStream(bad), "pipe"), m => new float[m.Shape[0] * 160], (_, _) => { });
        });
        Assert.IsType<InvalidInputException>(e3);
        Assert.True(a3 < 8 << 20, $"allocated {a3} bytes");
    }

    [Fact]
    public void FrameCountThatDisagreesWithTheLengthIsRefused()
    {
        var file = Encode(3);
        var bad = WithHeader(file, h => h with { MelFrames = h.MelFrames * 64 });
        var e = Assert.Throws<InvalidInputException>(() => LatentFileReader.Open(new MemoryStream(bad), "f.lat"));
        Assert.Contains("mel frames do not match", e.Message);
    }

    [Fact]
    public void ForgedChunkLengthOnAPipeDoesNotAllocateIt()
    {
        var file = Encode(3);
        int end = LatentFileFormat.PreambleBytes + BitConverter.ToInt32(file, 10) + 4;
        var bad = (byte[])file.Clone();
        BitConverter.GetBytes((uint)LatentFileFormat.MaxChunkBytes).CopyTo(bad, end + 1); // 64 MiB claimed, a few KB present
        var (e, allocated) = Measure(() => Codec().DecodeMel(new ContainerTests.ForwardOnlyStream(bad), "pipe"));
        Assert.Contains("truncated", Assert.IsType<InvalidInputException>(e).Message);
        Assert.True(allocated < 4 << 20, $"allocated {allocated} bytes");
    }

    /// <summary>
    /// Twenty minutes of a constant latent: a legitimate file of a few tens of KB for 19.2 M samples. Decoding it
    /// streams: no step between two output blocks allocates more than a few MB, where holding the signal would take
    /// 77 MB at once (and its cross-fade sums 98 MB).
    /// </summary>
    [Fact]
    public void TinyLowEntropyFileForALongSignalDecodesInBoundedMemory()
    {
        var seed = LatentFileReader.Open(new MemoryStream(Encode(2)), "x").Header;
        long samples = 1200L * 16000;
        var h = seed with { SampleLength = samples, MelFrames = (int)LatentFileHeader.MelFramesFor(samples, 16000, 16000, 160, 4, seed.WindowMelFrames) };
        using var ms = new MemoryStream();
        var writer = new LatentFileWriter(ms, h);
        var coded = new Dictionary<int, CodedBlock>();
        foreach (var w in h.Plan().Windows)
        {
            if (!coded.TryGetValue(w.OwnedLength, out var block))
                coded[w.OwnedLength] = block = LatentBlockCoder.Encode(new LatentBlock(new float[8 * w.OwnedLength * 16], 8, w.OwnedLength, 16),
                    QuantiserSettings.FixedStep(0.1), 16, ProbabilityModelPolicy.Smallest);
            writer.WriteWindow(0, w, block);
        }
        writer.Finish();
        var file = ms.ToArray();
        Assert.True(file.Length < 80_000, $"{file.Length} bytes");

        var codec = Codec();
        long written = 0, worstStep = 0, mark = GC.GetAllocatedBytesForCurrentThread();
        codec.DecodeTo(codec.OpenChecked(new MemoryStream(file), "long.lat"), m => new float[m.Shape[0] * 160], (planar, count) =>
        {
            long now = GC.GetAllocatedBytesForCurrentThread();
            worstStep = Math.Max(worstStep, now - mark);
            written += count;
            mark = GC.GetAllocatedBytesForCurrentThread();
        });
        Assert.Equal(samples, written);
        Assert.True(worstStep < 16 << 20, $"one step allocated {worstStep} bytes");
    }

    [Fact]
    public void ForgedOddSampleRateIsRefusedBeforeDesigningAResampler()
    {
        Assert.True(Resampler.KernelTaps(16000, 44100) < 10_000);
        Assert.True(Resampler.KernelTaps(16000, 48000) < 100_000);
        var bad = WithHeader(Encode(3), h => h with
        {
            SampleRate = 767_999,
            MelFrames = (int)LatentFileHeader.MelFramesFor(h.SampleLength, 767_999, h.CodedSampleRate, h.HopLength, h.Downsample, h.WindowMelFrames),
        });
        var started = DateTime.UtcNow;
        var e = Assert.Throws<InvalidInputException>(() => Codec().DecodeAudio(new MemoryStream(bad), "odd.lat", m => new float[m.Shape[0] * 160]));
        Assert.Contains("767999 Hz is implausible", e.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }
}
