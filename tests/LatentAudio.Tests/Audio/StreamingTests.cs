using System.Buffers.Binary;
using LatentAudio.Audio;
using LatentAudio.Audio.Flac;
using Kind = LatentAudio.Tests.Audio.FlacSyntheticStream.Kind;

namespace LatentAudio.Tests.Audio;

/// <summary>A window of a long file costs memory for the window only (issue 2, "Streaming").</summary>
public class StreamingTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const int Rate = 8000;
    private const long Hours2 = 2L * 3600 * Rate;

    /// <summary>
    /// 2 hours of 8 kHz mono 16-bit PCM (115 MB) as a sparse file: zeros everywhere except a 10 s ramp at 1 h,
    /// so it costs no disk and no time to write.
    /// </summary>
    private static string WriteLongWav(TestPaths.TempDir dir)
    {
        var path = dir.File("long.wav");
        using var fs = new FileStream(path, FileMode.CreateNew);
        long dataBytes = Hours2 * 2;
        var w = new WavBytes().Fmt(1, 1, Rate, 16).Data([], (uint)dataBytes);
        var header = w.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(header.Length - 8 + dataBytes));
        fs.Write(header);
        fs.SetLength(header.Length + dataBytes);
        fs.Position = header.Length + 3600L * Rate * 2;
        var ramp = new byte[10 * Rate * 2];
        for (int i = 0; i < 10 * Rate; i++) BinaryPrimitives.WriteInt16LittleEndian(ramp.AsSpan(2 * i), (short)(i % 1000 - 500));
        fs.Write(ramp);
        return path;
    }

    [Fact]
    public void TenSecondsOfATwoHourWavAllocateOnlyTheWindow()
    {
        using var dir = new TestPaths.TempDir();
        var path = WriteLongWav(dir);
        long fileSize = new FileInfo(path).Length;

        long before = GC.GetAllocatedBytesForCurrentThread();
        var window = AudioFile.Read(path, offsetSeconds: 3600, seconds: 10);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10 * Rate, window.Length);
        for (int i = 0; i < window.Length; i += 997) Assert.Equal((i % 1000 - 500) / 32768f, window.Channel(0)[i]);
        // The window itself is 320 kB of float32; the file is 115 MB.
        log.WriteLine($"WAV window: {allocated:N0} bytes allocated, file {fileSize:N0} bytes");
        Assert.True(allocated < 2_000_000, $"reading a 10 s window allocated {allocated:N0} bytes of a {fileSize:N0}-byte file");
    }

    [Fact]
    public void InfoOnAWindowOfATwoHourWavStreams()
    {
        using var dir = new TestPaths.TempDir();
        var path = WriteLongWav(dir);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var (code, output, err) = Cli.Run("info", path, "--offset", "3600", "--seconds", "10");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(code == 0, err);
        Assert.Contains("80000 frames (10 s) from 3600 s", output);
        log.WriteLine($"info window: {allocated:N0} bytes allocated");
        Assert.True(allocated < 2_000_000, $"info on a 10 s window allocated {allocated:N0} bytes");
    }

    /// <summary>
    /// 20 minutes of synthetic 8 kHz FLAC (one CONSTANT frame per 4096 samples, its value the frame index): a window
    /// near the end is found by seeking on frame headers, not by decoding 19 minutes, and allocates one frame's worth.
    /// </summary>
    [Fact]
    public void WindowOfALongFlacSeeksByFrameHeaders()
    {
        const int block = 4096, frames = 20 * 60 * Rate / block;
        var flac = new FlacSyntheticStream(16, 1, Rate, block, (long)frames * block);
        var samples = new long[block];
        for (int f = 0; f < frames; f++)
        {
            Array.Fill(samples, f);
            flac.AddFrame([samples], [Kind.Constant]);
        }
        using var dir = new TestPaths.TempDir();
        var path = dir.File("long.flac");
        File.WriteAllBytes(path, flac.ToArray());

        long before = GC.GetAllocatedBytesForCurrentThread();
        var window = AudioFile.Read(path, offsetSeconds: 1150, seconds: 10);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(10 * Rate, window.Length);
        long first = 1150L * Rate;
        for (int i = 0; i < window.Length; i += 499)
            Assert.Equal((first + i) / block / 32768f, window.Channel(0)[i]);
        log.WriteLine($"FLAC window: {allocated:N0} bytes allocated, file {new FileInfo(path).Length:N0} bytes, {(long)frames * block:N0} samples");
        Assert.True(allocated < 2_000_000, $"a 10 s FLAC window allocated {allocated:N0} bytes");
    }
}
