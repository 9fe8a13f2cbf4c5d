using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Audio;

/// <summary>32-bit float WAVs carry the extended (18-byte) fmt chunk and the fact chunk the RIFF spec asks of non-PCM files.</summary>
public class WavFloatHeaderTests
{
    private static AudioBuffer Stereo() =>
        new([Enumerable.Range(0, 1000).Select(i => (float)Math.Sin(i * 0.05) * 0.9f).ToArray(),
             Enumerable.Range(0, 1000).Select(i => -0.9f + i * 0.0018f).ToArray()], 22050);

    [Fact]
    public void BothWritersGiveAnExtendedFmtAndAFactChunk()
    {
        using var dir = new TestPaths.TempDir();
        var audio = Stereo();
        WavWriter.Write(dir.File("a.wav"), audio, WavSampleFormat.Float32);
        using (var w = new WavStreamWriter(dir.File("b.wav"), 2, 22050, WavSampleFormat.Float32, overwrite: false))
        {
            w.Write([audio.Channel(0), audio.Channel(1)], 0, 600);
            w.Write([audio.Channel(0), audio.Channel(1)], 600, 400);
            w.Complete();
        }
        foreach (var name in new[] { "a.wav", "b.wav" })
        {
            var bytes = File.ReadAllBytes(dir.File(name));
            var chunks = Chunks(bytes);
            Assert.Equal(["fmt ", "fact", "data"], chunks.Select(c => c.Id).ToArray());
            var fmt = chunks[0];
            Assert.Equal(18, fmt.Size);
            Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(fmt.Offset)));       // WAVE_FORMAT_IEEE_FLOAT
            Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(fmt.Offset + 16)));  // cbSize
            Assert.Equal(1000u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(chunks[1].Offset)));
            Assert.Equal(8000, chunks[2].Size);
            Assert.Equal((uint)(bytes.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
            var back = AudioFile.Read(dir.File(name));
            Assert.Equal(audio.Channel(0), back.Channel(0));
            Assert.Equal(audio.Channel(1), back.Channel(1));
        }
    }

    [Fact]
    public void Pcm16KeepsTheCanonical44ByteHeader()
    {
        using var dir = new TestPaths.TempDir();
        WavWriter.Write(dir.File("a.wav"), Stereo(), WavSampleFormat.Pcm16);
        var bytes = File.ReadAllBytes(dir.File("a.wav"));
        Assert.Equal(44 + 4000, bytes.Length);
        Assert.Equal(["fmt ", "data"], Chunks(bytes).Select(c => c.Id).ToArray());
    }

    /// <summary>sox reads the float file without a warning. Skipped, with the reason, where sox is missing.</summary>
    [SoxFact]
    public void SoxReadsItWithoutWarnings()
    {
        using var dir = new TestPaths.TempDir();
        WavWriter.Write(dir.File("a.wav"), Stereo(), WavSampleFormat.Float32);
        var psi = new ProcessStartInfo(SoxFactAttribute.Sox!) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-V2", dir.File("a.wav"), "-n", "stat" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        _ = stdout.Result;
        Assert.Equal(0, p.ExitCode);
        Assert.Matches(@"Samples read:\s+2000\b", err);
        Assert.DoesNotContain("WARN", err);
    }

    private static List<(string Id, int Offset, int Size)> Chunks(byte[] bytes)
    {
        Assert.Equal("RIFF", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal("WAVE", Encoding.ASCII.GetString(bytes, 8, 4));
        var list = new List<(string, int, int)>();
        for (int o = 12; o + 8 <= bytes.Length;)
        {
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(o + 4));
            list.Add((Encoding.ASCII.GetString(bytes, o, 4), o + 8, size));
            o += 8 + size + (size & 1);
        }
        return list;
    }
}

public sealed class SoxFactAttribute : FactAttribute
{
    public static string? Sox => new[] { "/usr/bin/sox", "/usr/local/bin/sox" }.FirstOrDefault(File.Exists);

    public SoxFactAttribute()
    {
        if (Sox is null) Skip = "sox is not installed (/usr/bin/sox, /usr/local/bin/sox): its reading of the file cannot be checked here";
    }
}
