using LatentAudio.Audio;
using LatentAudio.Audio.Flac;

namespace LatentAudio.Tests.Audio;

public class FlacRobustnessTests
{
    [Theory]
    [InlineData("stereo44k24")]
    [InlineData("speech_ffmpeg")]
    [InlineData("synth24_stereo")]
    public void SeekingByFrameHeadersLandsOnTheRightSample(string name)
    {
        var path = TestPaths.Fixtures("audio", name + ".flac");
        var full = AudioFile.Read(path);
        var rng = new Random(7);
        for (int trial = 0; trial < 12; trial++)
        {
            int start = rng.Next(full.Length - 200), count = 150;
            using var reader = FlacReader.Open(File.OpenRead(path), path);   // the decoder itself, for its seek threshold
            reader.SeekThresholdBlocks = 0;   // always bisect, even for short skips
            reader.Skip(start);
            var part = AudioFile.ReadAll(reader, path, 0, (double)count / full.SampleRate);
            for (int c = 0; c < full.ChannelCount; c++)
                Assert.Equal(full.Channel(c).AsSpan(start, count).ToArray(), part.Channel(c));
        }
    }

    [Fact]
    public void TruncatedFileIsReportedAsTruncated()
    {
        using var dir = new TestPaths.TempDir();
        var bytes = File.ReadAllBytes(TestPaths.Fixtures("audio", "speech_default.flac"));
        var path = dir.File("cut.flac");
        File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length * 2 / 3).ToArray());
        var e = Assert.Throws<TruncatedAudioException>(() => AudioFile.Read(path));
        Assert.Contains("cut.flac", e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Equal(AudioFile.Read(TestPaths.Fixtures("audio", "speech_default.flac")).Length, e.Truncation.DeclaredFrames);
        // allowed, the frames before the cut are decoded (the one it falls in is not: its CRC cannot be checked)
        var cut = AudioFile.Read(path, options: new AudioReadOptions { AllowTruncated = true });
        Assert.Equal(e.Truncation.ActualFrames, cut.Length);
        Assert.True(cut.Length > 0 && cut.Length < e.Truncation.DeclaredFrames);
    }

    [Fact]
    public void CorruptAudioFailsTheCrc()
    {
        using var dir = new TestPaths.TempDir();
        var bytes = File.ReadAllBytes(TestPaths.Fixtures("audio", "speech_default.flac"));
        bytes[bytes.Length / 2] ^= 0x10;
        var path = dir.File("bad.flac");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidInputException>(() => AudioFile.Read(path));
        Assert.Contains("bad.flac", e.Message);
    }

    [Fact]
    public void Id3TagBeforeTheMarkerIsTolerated()
    {
        using var dir = new TestPaths.TempDir();
        var flac = File.ReadAllBytes(TestPaths.Fixtures("audio", "speech_default.flac"));
        // ID3v2.3 header with a 100-byte (syncsafe) body of zeros.
        byte[] id3 = [(byte)'I', (byte)'D', (byte)'3', 3, 0, 0, 0, 0, 0, 100, .. new byte[100]];
        var path = dir.File("tagged.flac");
        File.WriteAllBytes(path, [.. id3, .. flac]);
        var expected = AudioFile.Read(TestPaths.Fixtures("audio", "speech_default.flac"));
        var actual = AudioFile.Read(path);
        Assert.Equal(expected.Channel(0), actual.Channel(0));
    }

    /// <summary>Random byte flips and truncations: the decoder may succeed or throw InvalidInputException, nothing else.</summary>
    [Theory]
    [InlineData("speech_default", 150)]
    [InlineData("stereo44k24", 30)]
    [InlineData("synth24_fixed", 150)]
    [InlineData("six8bit", 100)]
    public void MutatedFilesOnlyEverGiveInvalidInput(string name, int trials)
    {
        var original = File.ReadAllBytes(TestPaths.Fixtures("audio", name + ".flac"));
        var rng = new Random(name.Length);
        var floats = new float[4096 * 8];
        for (int trial = 0; trial < trials; trial++)
        {
            var bytes = (byte[])original.Clone();
            int flips = 1 + rng.Next(4);
            // Bias towards the metadata and the first frames, where the parser's decisions are made.
            for (int f = 0; f < flips; f++)
            {
                int at = rng.Next(2) == 0 ? rng.Next(Math.Min(bytes.Length, 200)) : rng.Next(bytes.Length);
                bytes[at] = (byte)rng.Next(256);
            }
            int length = rng.Next(4) == 0 ? rng.Next(bytes.Length) : bytes.Length;
            var stream = new MemoryStream(bytes, 0, length);
            try
            {
                if (length == 0) continue;
                using var reader = AudioFile.OpenReader(stream, "fuzz.flac");
                if (rng.Next(3) == 0) reader.Skip(rng.Next(100000));
                while (reader.Read(floats.AsSpan(0, floats.Length / reader.Format.Channels * reader.Format.Channels)) > 0) { }
            }
            catch (InvalidInputException) { }
        }
    }
}
