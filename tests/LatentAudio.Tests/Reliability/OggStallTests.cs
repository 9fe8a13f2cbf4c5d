using System.Diagnostics;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Reliability;

/// <summary>
/// The Ogg inputs on which NVorbis looped for ever (AFL campaigns of 2026-11-26: one spins on empty reads at the end
/// of the stream, one asks for zero bytes at a time while opening a stream) now end within the fuzz contract's time limit
/// with the project's input error (the guard counts reads that return nothing; it does not time anything).
/// </summary>
public class OggStallTests
{
    [Theory]
    [InlineData("hang_splice.ogg", "made no progress")]
    [InlineData("hang_reread_headers.ogg", "made no progress")]
    public async Task InputsThatLoopedNVorbisAreRejected(string file, string reason)
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixtures("reliability", "regressions", "ogg", file));
        var run = Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            try
            {
                using var reader = AudioFile.OpenReader(new MemoryStream(bytes, writable: false), "hang_splice.ogg");
                var chunk = new float[4096];
                while (reader.Read(chunk) > 0) { }
                return ((Exception?)null, clock.Elapsed);
            }
            catch (Exception e) { return ((Exception?)e, clock.Elapsed); }
        });
        var (error, elapsed) = await run.WaitAsync(TimeSpan.FromSeconds(30));
        var rejected = Assert.IsType<InvalidInputException>(error);
        Assert.Contains(reason, rejected.Message);
        Assert.True(elapsed < ParserContract.TimeLimit, $"took {elapsed.TotalSeconds:0.00} s");
    }

    [Fact]
    public void OrdinaryOggDecodesAsBefore()
    {
        // the guard is a pass-through: a whole file still decodes to its announced length
        using var reader = AudioFile.OpenReader(TestPaths.Fixtures("audio", "stereo44k.ogg"));
        long frames = 0;
        var chunk = new float[4096];
        int n;
        while ((n = reader.Read(chunk)) > 0) frames += n;
        Assert.Equal(reader.Format.TotalFrames, frames);
    }
}
