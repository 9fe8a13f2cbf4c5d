using LatentAudio.Audio;

namespace LatentAudio.Tests.Audio;

public class WavTests
{
    [Fact]
    public void ReadsBundledSample()
    {
        var a = AudioFile.Read(TestPaths.Samples("speech_libri1.wav"));
        Assert.Equal(16000, a.SampleRate);
        Assert.Equal(1, a.ChannelCount);
        Assert.Equal(163840, a.Length);
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm16)]
    [InlineData(WavSampleFormat.Float32)]
    public void RoundTripsStereo(WavSampleFormat format)
    {
        using var dir = new TestPaths.TempDir();
        var rng = new Random(1);
        var ch = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, 1000).Select(_ => (float)Math.Round((rng.NextDouble() * 2 - 1) * 32767) / 32768f).ToArray()).ToArray();
        var audio = new AudioBuffer(ch, 44100);
        var path = dir.File("x.wav");
        WavWriter.Write(path, audio, format);
        var back = AudioFile.Read(path);
        Assert.Equal(44100, back.SampleRate);
        Assert.Equal(2, back.ChannelCount);
        for (int c = 0; c < 2; c++) Assert.Equal(ch[c], back.Channel(c));
    }

    [Fact]
    public void WindowReadsOnlyTheAskedPart()
    {
        var full = AudioFile.Read(TestPaths.Samples("speech_libri1.wav"));
        var part = AudioFile.Read(TestPaths.Samples("speech_libri1.wav"), offsetSeconds: 1.5, seconds: 0.25);
        Assert.Equal(4000, part.Length);
        Assert.Equal(full.Channel(0).AsSpan(24000, 4000).ToArray(), part.Channel(0));
    }

    [Fact]
    public void RefusesToOverwriteWithoutForce()
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File("x.wav");
        var audio = AudioBuffer.Mono(new float[10], 16000);
        WavWriter.Write(path, audio);
        Assert.Throws<InvalidInputException>(() => WavWriter.Write(path, audio));
        WavWriter.Write(path, audio, overwrite: true);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void BadFilesGiveOneLineErrors()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllBytes(dir.File("empty.wav"), []);
        File.WriteAllBytes(dir.File("trunc.wav"), "RIFF\x10\0\0\0WAVEfm"u8.ToArray());
        Assert.Contains("is empty", Assert.Throws<InvalidInputException>(() => AudioFile.Read(dir.File("empty.wav"))).Message);
        Assert.Contains("fmt", Assert.Throws<InvalidInputException>(() => AudioFile.Read(dir.File("trunc.wav"))).Message);
        Assert.Contains("no such file", Assert.Throws<InvalidInputException>(() => AudioFile.Read(dir.File("none.wav"))).Message);
        Assert.Contains("directory", Assert.Throws<InvalidInputException>(() => AudioFile.Read(dir.Path)).Message);
    }
}
