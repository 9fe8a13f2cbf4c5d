using System.Buffers.Binary;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Audio;

public class WavEdgeCaseTests
{
    private static AudioBuffer ReadBytes(byte[] bytes, string name = "test.wav")
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        return AudioFile.Read(path);
    }

    [Fact]
    public void Pcm8IsUnsignedWithMidpoint128()
    {
        var a = ReadBytes(new WavBytes().Fmt(1, 1, 8000, 8).Data([0, 64, 128, 192, 255]).ToArray());
        Assert.Equal([-1f, -0.5f, 0f, 0.5f, 127f / 128], a.Channel(0));
    }

    [Fact]
    public void Pcm16()
    {
        var a = ReadBytes(new WavBytes().Fmt(1, 1, 8000, 16).Data(WavBytes.Pcm16(short.MinValue, -16384, 0, 1, short.MaxValue)).ToArray());
        Assert.Equal([-1f, -0.5f, 0f, 1f / 32768, 32767f / 32768], a.Channel(0));
    }

    [Fact]
    public void Pcm24()
    {
        byte[] data = [0x00, 0x00, 0x80, 0x00, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x7F];
        var a = ReadBytes(new WavBytes().Fmt(1, 1, 8000, 24).Data(data).ToArray());
        Assert.Equal([-1f, -0.5f, 0f, 1f / 8388608, 8388607f / 8388608], a.Channel(0));
    }

    [Fact]
    public void Pcm32()
    {
        var data = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(data, int.MinValue);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), 1 << 30);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), 0);
        var a = ReadBytes(new WavBytes().Fmt(1, 1, 8000, 32).Data(data).ToArray());
        Assert.Equal([-1f, 0.5f, 0f], a.Channel(0));
    }

    [Fact]
    public void Float32And64()
    {
        var a = ReadBytes(new WavBytes().Fmt(3, 1, 8000, 32).Data(WavBytes.Float32(0.25f, -1.5f, 0f)).ToArray());
        Assert.Equal([0.25f, -1.5f, 0f], a.Channel(0));
        var d = new byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(d, 0.125);
        BinaryPrimitives.WriteDoubleLittleEndian(d.AsSpan(8), -0.75);
        var b = ReadBytes(new WavBytes().Fmt(3, 1, 8000, 64).Data(d).ToArray());
        Assert.Equal([0.125f, -0.75f], b.Channel(0));
    }

    [Fact]
    public void ExtensiblePcm24SixChannels()
    {
        var data = new byte[2 * 6 * 3];
        for (int i = 0; i < 12; i++) { int v = (i + 1) << 16; data[3 * i] = (byte)v; data[3 * i + 1] = (byte)(v >> 8); data[3 * i + 2] = (byte)(v >> 16); }
        var a = ReadBytes(new WavBytes().FmtExtensible(1, 6, 48000, 24, 0x3F).Data(data).ToArray());
        Assert.Equal(6, a.ChannelCount);
        Assert.Equal(2, a.Length);
        for (int c = 0; c < 6; c++)
            Assert.Equal([(c + 1) / 128f, (c + 7) / 128f], a.Channel(c));
    }

    [Fact]
    public void ExtensibleFloatStereo()
    {
        var a = ReadBytes(new WavBytes().FmtExtensible(3, 2, 44100, 32, 0x3).Data(WavBytes.Float32(0.1f, 0.2f, 0.3f, 0.4f)).ToArray());
        Assert.Equal([0.1f, 0.3f], a.Channel(0));
        Assert.Equal([0.2f, 0.4f], a.Channel(1));
    }

    [Fact]
    public void ListBeforeFmtAndOddChunkWithPadByte()
    {
        var bytes = new WavBytes()
            .Chunk("LIST", "INFOISFT\x05\0\0\0test\0"u8.ToArray())
            .Chunk("junk", [1, 2, 3])                       // odd size: a pad byte follows
            .Fmt(1, 2, 16000, 16)
            .Chunk("odd ", [9])
            .Data(WavBytes.Pcm16(100, -100, 200, -200))
            .ToArray();
        var a = ReadBytes(bytes);
        Assert.Equal(16000, a.SampleRate);
        Assert.Equal([100f / 32768, 200f / 32768], a.Channel(0));
        Assert.Equal([-100f / 32768, -200f / 32768], a.Channel(1));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0xFFFFFFFFu)]
    public void StreamedDataSizeRunsToTheEndOfTheFile(uint declared)
    {
        var w = new WavBytes { RiffSize = declared }.Fmt(1, 1, 8000, 16).Data(WavBytes.Pcm16(1, 2, 3, 4, 5), declared);
        var a = ReadBytes(w.ToArray());
        Assert.Equal(5, a.Length);
        Assert.Equal(5f / 32768, a.Channel(0)[4]);
    }

    public static TheoryData<string, byte[], string> BadFiles => new()
    {
        { "empty.wav", [], "is empty" },
        { "header.wav", "RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0"u8.ToArray(), "fmt" },
        { "mp3inwav.wav", new WavBytes().Fmt(0x0055, 1, 8000, 16).Data(new byte[10]).ToArray(), "0x0055" },
        { "nochannels.wav", new WavBytes().Fmt(1, 0, 8000, 16, blockAlign: 2).Data(new byte[10]).ToArray(), "zero channels" },
        { "nan.wav", new WavBytes().Fmt(3, 1, 8000, 32).Data(WavBytes.Float32(0f, float.NaN)).ToArray(), "NaN" },
        { "inf.wav", new WavBytes().Fmt(3, 1, 8000, 32).Data(WavBytes.Float32(float.PositiveInfinity)).ToArray(), "Inf" },
        { "nodata.wav", new WavBytes().Fmt(1, 1, 8000, 16).ToArray(), "no data chunk" },
        { "text.wav", "hello, this is not audio at all"u8.ToArray(), "unrecognised" },
        { "bits12.wav", new WavBytes().Fmt(1, 1, 8000, 12, blockAlign: 2).Data(new byte[4]).ToArray(), "12 bits" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadInputIsOneLineNamingTheFile(string name, byte[] bytes, string expected)
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File(name);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidInputException>(() => AudioFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        AssertCliSaysOneLine(path, expected);
    }

    [Fact]
    public void MissingFileAndDirectory()
    {
        using var dir = new TestPaths.TempDir();
        AssertCliSaysOneLine(dir.File("missing.wav"), "no such file");
        AssertCliSaysOneLine(dir.Path, "directory");
    }

    private static void AssertCliSaysOneLine(string path, string expected)
    {
        var (code, _, err) = Cli.Run("info", path);
        Assert.Equal(2, code);
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(path, lines[0]);
        Assert.Contains(expected, lines[0]);
    }
}
