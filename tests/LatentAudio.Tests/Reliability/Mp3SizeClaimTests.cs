using System.Buffers.Binary;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Reliability;

/// <summary>
/// MP3 inputs whose size fields claim more than the file holds (AFL findings and hand-made cases of the same three
/// NLayer paths): a clear rejection or a decode, with allocation bounded by the input, never NLayer's claim-sized
/// buffers (up to 2 GB) or a loop.
/// </summary>
public class Mp3SizeClaimTests
{
    /// <summary>Far below the claims (≥ 144 MB) and the fuzz contract, above the decoder's own tables.</summary>
    private const long AllocationBound = 16L << 20;

    public static IEnumerable<object[]> Findings =>
        new[] { "mp3", "wav" }.SelectMany(t => Directory.GetFiles(TestPaths.Fixtures("reliability", "regressions", t)))
            .Order(StringComparer.Ordinal).Select(f => new object[] { Path.GetRelativePath(TestPaths.Fixtures("reliability"), f) });

    [Theory]
    [MemberData(nameof(Findings))]
    public void FuzzFindingsAreRejectedWithBoundedAllocation(string file)
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixtures("reliability", file));
        var (error, allocated, _) = Decode(bytes);
        Assert.True(allocated < AllocationBound, $"{file}: {allocated} bytes allocated for {bytes.Length} bytes of input");
        Assert.True(error is null or InvalidInputException, $"{file}: {error}");
    }

    [Fact]
    public void Id3TagClaimingPastTheEndAfterTheAudioEndsTheAudioThere()
    {
        var clean = Speech();
        var tag = new byte[] { (byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F, 0, 0 }; // 256 MB claimed
        var (error, allocated, frames) = Decode([.. clean, .. tag]);
        Assert.Null(error);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
        Assert.Equal(Decode(clean).Frames, frames);
    }

    [Fact]
    public void VbriTableLongerThanTheFileIsIgnoredLikeAShortOne()
    {
        var bytes = Speech();
        int frame = 45;                                   // speech.mp3: 45-byte ID3 tag, then the Info frame
        Assert.Equal(0xFF, bytes[frame]);
        "xxxx"u8.CopyTo(bytes.AsSpan(frame + 13));        // no Info tag any more, so NLayer looks for VBRI at +36
        var vbri = bytes.AsSpan(frame + 36, 26);
        vbri.Clear();
        "VBRI"u8.CopyTo(vbri);
        BinaryPrimitives.WriteUInt16BigEndian(vbri[18..], 0x2000);   // entries
        BinaryPrimitives.WriteUInt16BigEndian(vbri[22..], 0x8000);   // bytes per entry: a 256 MB table
        var (error, allocated, _) = Decode(bytes);
        Assert.True(allocated < AllocationBound, $"{allocated} bytes allocated");
        Assert.True(error is null or InvalidInputException, $"{error}");
    }

    [Fact]
    public async Task RiffChunkWalkThatLoopsEnds()
    {
        // A sync the front door takes for MP3 and NLayer does not (mode extension 2 with mode 3), then a RIFF header whose first chunk size (-8) walks back onto itself.
        var bytes = new byte[64];
        new byte[] { 0xFF, 0xFB, 0x90, 0xE4 }.CopyTo(bytes, 0);
        "RIFF\0\0\0\0WAVEfmt "u8.CopyTo(bytes.AsSpan(4));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 + 16), -8);
        var task = Task.Run(() => Decode(bytes));
        var (error, _, _) = await task.WaitAsync(TimeSpan.FromSeconds(10)); // TimeoutException: the walk did not end
        Assert.True(error is null or InvalidInputException, $"{error}");
    }

    [Theory]
    [InlineData("audio", "speech16k.mp3")]
    [InlineData("corpus", "speech.mp3")]
    [InlineData("corpus", "stereo_id3.mp3")]
    public void OrdinaryFilesAreShownUnchanged(string where, string file)
    {
        var path = where == "audio" ? TestPaths.Fixtures("audio", file) : Path.Combine(TestPaths.RepoRoot, "fuzz", "corpus", "mp3", file);
        using var s = File.OpenRead(path);
        Assert.Empty(Mp3SizeClaims.Find(s));
    }

    private static byte[] Speech() => File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "fuzz", "corpus", "mp3", "speech.mp3"));

    private static (Exception? Error, long Allocated, long Frames) Decode(byte[] bytes)
    {
        long before = GC.GetAllocatedBytesForCurrentThread(), frames = 0;
        try
        {
            using var reader = AudioFile.OpenReader(new MemoryStream(bytes, writable: false), "claims.mp3");
            var chunk = new float[1024 * reader.Format.Channels];
            int n;
            while ((n = reader.Read(chunk)) > 0) frames += n;
            return (null, GC.GetAllocatedBytesForCurrentThread() - before, frames);
        }
        catch (Exception e) { return (e, GC.GetAllocatedBytesForCurrentThread() - before, frames); }
    }
}
