using LatentAudio.Audio;
using LatentAudio.Codec.Container;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.Codec;

/// <summary>Files written before the frame rule (container version 1) still decode, to what the old build gave.</summary>
public class FormatVersionTests
{
    [Fact]
    public void VersionOneFileDecodesAsTheOldBuildDecodedIt()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        string file = TestPaths.Fixtures("codec", "v1", "env_robin_v1.lat");
        using (var fs = File.OpenRead(file))
        {
            var h = LatentFileReader.Open(fs, file).Header;
            Assert.Equal(272, h.MelFrames); // version 1: ceil(43178 / 160) rounded to 4, no padding to a window
            Assert.Equal(LatentFileHeader.MelFramesV1(43178, 16000, 16000, 160, 4), h.MelFrames);
        }
        var (code, _, err) = Cli.Run("decode", file, "-o", dir.File("out.wav"), "--model", model.Folder);
        Assert.True(code == 0, err);
        var ours = AudioFile.Read(dir.File("out.wav")).Channel(0);
        var old = AudioFile.Read(TestPaths.Fixtures("codec", "v1", "env_robin_v1_old.wav")).Channel(0);
        Assert.Equal(old.Length, ours.Length);
        float max = 0;
        for (int i = 0; i < old.Length; i++) max = Math.Max(max, Math.Abs(ours[i] - old[i]));
        Assert.True(max <= 1f / 32768, $"max |diff| {max}"); // at most one 16-bit step (measured 0)
    }
}
