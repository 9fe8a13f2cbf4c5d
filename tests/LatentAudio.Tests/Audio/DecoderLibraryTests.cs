using System.Diagnostics;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Audio;

/// <summary>
/// Issue 16 item 11: only what NLayer/NVorbis throw for damaged data becomes the file's input error; a fault of our own
/// code or of the stream under the decoder (NullReference, IndexOutOfRange, OutOfMemory, an I/O error) surfaces as
/// it is, so that a fuzzer sees it as a crash and an I/O failure is not reported as bad input.
/// </summary>
public class DecoderLibraryTests
{
    public static TheoryData<string, string> Faults()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in new[] { "speech16k.mp3", "stereo44k.mp3", "stereo44k.ogg" })
            foreach (var fault in new[] { "io", "null", "index", "invalid-operation", "out-of-memory", "end-of-stream" })
                data.Add(file, fault);
        return data;
    }

    private static Exception Make(string fault) => fault switch
    {
        "io" => new IOException("disk went away"),
        "null" => new NullReferenceException("a bug of ours"),
        "index" => new IndexOutOfRangeException("a bug of ours"),
        "invalid-operation" => new InvalidOperationException("a bug of ours"),
        "out-of-memory" => new OutOfMemoryException("a bug of ours"),
        "end-of-stream" => new EndOfStreamException("the file shrank under us"),
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    /// <summary>Our own parsing before the library runs (Mp3GaplessInfo, Mp3SizeClaims, OggEndOfStream) meets the fault.</summary>
    [Theory]
    [MemberData(nameof(Faults))]
    public void FaultsOfOurOwnCodeBeforeTheLibrarySurfaceUnchanged(string file, string fault)
    {
        var error = Make(fault);
        var stream = new FaultyStream(File.ReadAllBytes(TestPaths.Fixtures("audio", file)), error, onlyUnder: null);
        var thrown = Record.Exception(() => Open(stream, file).Dispose());
        Assert.Same(error, thrown);
    }

    /// <summary>
    /// The fault happens in a read the decoder library makes (through PatchedReadStream/StallGuardStream), while it
    /// opens or while it decodes: the library's own exception types among them must not become an input error.
    /// </summary>
    [Theory]
    [MemberData(nameof(Faults))]
    public void FaultsOfTheStreamUnderTheLibrarySurfaceUnchanged(string file, string fault)
    {
        var error = Make(fault);
        var stream = new FaultyStream(File.ReadAllBytes(TestPaths.Fixtures("audio", file)), error,
            onlyUnder: file.EndsWith(".ogg", StringComparison.Ordinal) ? "NVorbis" : "NLayer");
        var thrown = Record.Exception(() =>
        {
            using var reader = Open(stream, file);
            var chunk = new float[4096];
            while (reader.Read(chunk) > 0) { }
        });
        Assert.True(stream.Faulted, "the library never read the stream after our own code had");
        Assert.Same(error, thrown);
    }

    [Theory]
    [InlineData("damaged_side_info.mp3", "MP3 decoding failed (IndexOutOfRangeException")]
    [InlineData("damaged_pages.ogg", "Ogg Vorbis decoding failed (ArgumentException")]
    public void DamagedDataIsStillOneClearInputErrorNamingTheFile(string file, string reason)
    {
        var path = TestPaths.Fixtures("reliability", "damaged", file);
        var e = Assert.Throws<InvalidInputException>(() => AudioFile.Read(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(reason, e.Message);
        var (code, _, err) = Cli.Run("info", path);
        Assert.Equal(2, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(path, line);
    }

    /// <summary>
    /// AFL findings of the first campaign on the fixed code (2026-12-05): NVorbis asks the stream it reads for a count
    /// past the end of its own buffer, and the stream's argument check threw from our side of the call. That is the
    /// library's mistake on damaged data: an input error, not a crash.
    /// </summary>
    [Theory]
    [InlineData("read_args_out_of_range.ogg")]
    [InlineData("read_args_out_of_range_b.ogg")]
    public void ReadArgumentsOutOfRangeFromTheLibraryAreBadData(string file)
    {
        var path = TestPaths.Fixtures("reliability", "regressions", "ogg", file);
        var e = Assert.Throws<InvalidInputException>(() => AudioFile.Read(path));
        Assert.StartsWith(path + ": Ogg Vorbis decoding failed (ArgumentOutOfRangeException", e.Message);
    }

    [Theory]
    [InlineData(typeof(InvalidDataException), true)]
    [InlineData(typeof(EndOfStreamException), true)]
    [InlineData(typeof(ArgumentException), true)]
    [InlineData(typeof(ArgumentOutOfRangeException), true)]
    [InlineData(typeof(IndexOutOfRangeException), true)]
    [InlineData(typeof(InvalidOperationException), true)]
    [InlineData(typeof(ArgumentNullException), false)]
    [InlineData(typeof(ObjectDisposedException), false)]
    [InlineData(typeof(NullReferenceException), false)]
    [InlineData(typeof(OutOfMemoryException), false)]
    [InlineData(typeof(IOException), false)]
    [InlineData(typeof(InsufficientExecutionStackException), false)]
    public void WhichLibraryExceptionsMeanBadData(Type type, bool badData)
    {
        var e = type == typeof(ObjectDisposedException) ? new ObjectDisposedException("x") : (Exception)Activator.CreateInstance(type)!;
        Assert.Equal(badData, DecoderLibrary.MeansBadData(e));
    }

    private static IAudioReader Open(Stream stream, string file) => file.EndsWith(".ogg", StringComparison.Ordinal)
        ? OggVorbisReader.Open(stream, file)
        : Mp3Reader.Open(stream, file, file == "speech16k.mp3" ? 45 : 0);   // speech16k.mp3: a 45-byte ID3 tag first

    /// <summary>
    /// A file in memory whose reads throw <paramref name="fault"/>: every read, or (with <paramref name="onlyUnder"/>)
    /// only the reads a method of that assembly makes, found on the call stack.
    /// </summary>
    private sealed class FaultyStream(byte[] bytes, Exception fault, string? onlyUnder) : MemoryStream(bytes, writable: false)
    {
        public bool Faulted { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) { Check(); return base.Read(buffer, offset, count); }
        public override int Read(Span<byte> buffer) { Check(); return base.Read(buffer); }
        public override int ReadByte() { Check(); return base.ReadByte(); }

        private void Check()
        {
            if (onlyUnder is not null && !new StackTrace().GetFrames().Any(f => f.GetMethod()?.DeclaringType?.Assembly.GetName().Name == onlyUnder))
                return;
            Faulted = true;
            throw fault;
        }
    }
}
