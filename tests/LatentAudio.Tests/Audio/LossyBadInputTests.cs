using LatentAudio.Audio;

namespace LatentAudio.Tests.Audio;

public class LossyBadInputTests
{
    [Fact]
    public void OggOpusIsRefusedWithAClearMessage()
    {
        var path = TestPaths.Fixtures("audio", "speech.opus");
        var e = Assert.Throws<InvalidInputException>(() => AudioFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("Opus is not supported", e.Message);
        var (code, _, err) = Cli.Run("info", path);
        Assert.Equal(2, code);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Id3TagFollowedByGarbageIsRefused()
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File("fake.mp3");
        File.WriteAllBytes(path, [(byte)'I', (byte)'D', (byte)'3', 3, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, .. "not audio at all"u8.ToArray()]);
        var e = Assert.Throws<InvalidInputException>(() => AudioFile.Read(path));
        Assert.Contains("neither MPEG audio", e.Message);
    }

    /// <summary>Byte flips and truncations in MP3 and Ogg Vorbis files: decoded, or InvalidInputException, nothing else.</summary>
    [Theory]
    [InlineData("speech16k.mp3")]
    [InlineData("stereo44k.ogg")]
    public void MutatedFilesOnlyEverGiveInvalidInput(string file)
    {
        var original = File.ReadAllBytes(TestPaths.Fixtures("audio", file));
        var rng = new Random(file.Length);
        var floats = new float[8192];
        for (int trial = 0; trial < 25; trial++)
        {
            var bytes = (byte[])original.Clone();
            for (int f = 0, flips = 1 + rng.Next(6); f < flips; f++)
            {
                int at = rng.Next(2) == 0 ? rng.Next(Math.Min(bytes.Length, 4000)) : rng.Next(bytes.Length);
                bytes[at] = (byte)rng.Next(256);
            }
            int length = rng.Next(3) == 0 ? 1 + rng.Next(bytes.Length - 1) : bytes.Length;
            try
            {
                using var reader = AudioFile.OpenReader(new MemoryStream(bytes, 0, length), "fuzz-" + file);
                if (rng.Next(3) == 0) reader.Skip(rng.Next(20000));
                int guard = 0;
                while (reader.Read(floats.AsSpan(0, floats.Length / reader.Format.Channels * reader.Format.Channels)) > 0 && guard++ < 1000) { }
            }
            catch (InvalidInputException) { }
        }
    }
}
