using System.Globalization;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Cli;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.Audio;

/// <summary>
/// One rule for truncated input in every format (issue 16, item 4): refused with exit 2 naming the declared and the
/// actual length, unless --allow-truncated, which proceeds and says so.
/// </summary>
public class TruncationTests
{
    /// <summary>Fixtures whose header declares their length, cut to a fraction of their bytes.</summary>
    public static TheoryData<string, double> Cut => new()
    {
        { "stereo44k_src.wav", 0.6 },
        { "speech_default.ref.wav", 0.3 },
        { "speech_default.flac", 2.0 / 3 },
        { "stereo44k24.flac", 0.5 },
        { "lame/lame_music44k_b128.mp3", 0.9 },
        { "speech16k.mp3", 0.6 },
        { "speech16k.ogg", 0.6 },
        { "stereo44k.ogg", 0.995 },   // inside its last page (its audio is one 21 KB page)
    };

    private static string MakeCut(TestPaths.TempDir dir, string fixture, double fraction)
    {
        var bytes = File.ReadAllBytes(TestPaths.Fixtures(["audio", .. fixture.Split('/')]));
        var path = dir.File("cut_" + Path.GetFileName(fixture));
        File.WriteAllBytes(path, bytes.AsSpan(0, (int)(bytes.Length * fraction)).ToArray());
        return path;
    }

    private static long DeclaredFrames(string fixture)
    {
        using var reader = AudioFile.OpenReader(TestPaths.Fixtures(["audio", .. fixture.Split('/')]));
        return reader.Format.TotalFrames!.Value;
    }

    [Theory]
    [MemberData(nameof(Cut))]
    public void ATruncatedFileIsRefusedWithBothLengths(string fixture, double fraction)
    {
        using var dir = new TestPaths.TempDir();
        var cut = MakeCut(dir, fixture, fraction);
        var (code, stdout, stderr) = Cli.Run("info", cut);
        Assert.True(code == CliApp.ExitBadInput, $"exit {code}: {stdout}{stderr}");
        var line = Assert.Single(stderr.Split('\n'), l => l.Contains(cut));
        Assert.StartsWith("latentaudio info: ", line);
        Assert.Contains("truncated", line);
        Assert.Contains("--allow-truncated", line);
        var allowed = Cli.Run("info", cut, "--allow-truncated", "--json");
        Assert.True(allowed.Code == 0, allowed.Err);
        long actual = JsonNode.Parse(allowed.Out)!["frames"]!.GetValue<long>();
        Assert.Contains($"{actual} frames", line);
        if (!fixture.EndsWith(".ogg", StringComparison.Ordinal))
        {
            long declared = DeclaredFrames(fixture);
            Assert.True(actual < declared, $"{actual} of {declared}");
            Assert.Contains($"{declared} frames", line);
        }
        else Assert.Contains("end-of-stream", line);
        Assert.Contains("truncated", allowed.Err);
    }

    [Theory]
    [MemberData(nameof(Cut))]
    public void AWindowInsideWhatIsThereIsRead(string fixture, double fraction)
    {
        using var dir = new TestPaths.TempDir();
        var cut = MakeCut(dir, fixture, fraction);
        var (code, _, stderr) = Cli.Run("info", cut, "--seconds", "0.05");
        Assert.True(code == 0, stderr);
    }

    /// <summary>Like with like: every whole file decodes to exactly the length its header declares (no false alarm).</summary>
    [Fact]
    public void EveryWholeFixtureDecodesToItsDeclaredLength()
    {
        var files = Directory.GetFiles(TestPaths.Fixtures("audio"), "*", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "samples")))
            .Where(f => AudioFile.KnownExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()) || f.EndsWith(".mp2", StringComparison.Ordinal))
            .ToList();
        int declared = 0;
        foreach (var f in files)
        {
            using var reader = AudioFile.OpenReader(f);
            var audio = AudioFile.ReadAll(reader, f);   // throws TruncatedAudioException on a false alarm
            if (reader.Format.DeclaredFrames is long d)
            {
                Assert.True(d == audio.Length, $"{f}: declares {d}, decodes {audio.Length}");
                declared++;
            }
        }
        Assert.True(declared >= 20, $"only {declared} of {files.Count} files declare a length");
    }

    [Fact]
    public void AllowedTruncationIsReportedOncePerReader()
    {
        using var dir = new TestPaths.TempDir();
        var cut = MakeCut(dir, "stereo44k_src.wav", 0.6);
        var seen = new List<AudioTruncation>();
        var audio = AudioFile.Read(cut, options: new AudioReadOptions { AllowTruncated = true, Truncated = seen.Add });
        var t = Assert.Single(seen);
        Assert.Equal(DeclaredFrames("stereo44k_src.wav"), t.DeclaredFrames);
        Assert.Equal(audio.Length, t.ActualFrames);
        Assert.Equal(cut, t.Name);
        var e = Assert.Throws<TruncatedAudioException>(() => AudioFile.Read(cut));
        Assert.Equal(Remedy.AllowTruncated, e.Remedy);
        Assert.Equal(t, e.Truncation);
    }

    [Fact]
    public void AnUntaggedMp3DeclaresNoLengthSoItsCutIsNotDetected()
    {
        using var dir = new TestPaths.TempDir();
        var cut = MakeCut(dir, "lame/lame_music44k_notag.mp3", 0.6);
        var (code, _, stderr) = Cli.Run("info", cut);
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public void ReconstructWithAllowTruncatedRecordsANote()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var cut = MakeCut(dir, "speech_default.ref.wav", 0.5);
        var outs = dir.File("out");
        string[] args = ["reconstruct", cut, "--model", model.Folder, "-o", outs, "--metrics", "snr", "--decoder", "vocoder"];
        var refused = Cli.Run(args);
        Assert.Equal(CliApp.ExitBadInput, refused.Code);
        Assert.False(File.Exists(Path.Combine(outs, "metrics.json")));

        var (code, _, stderr) = Cli.Run([.. args, "--allow-truncated"]);
        Assert.True(code == 0, stderr);
        var notes = JsonNode.Parse(File.ReadAllText(Path.Combine(outs, "metrics.json")))!["notes"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var note = Assert.Single(notes, n => n.Contains("truncated"));
        Assert.Contains(DeclaredFrames("speech_default.ref.wav").ToString(CultureInfo.InvariantCulture), note);
        Assert.Contains(note, File.ReadAllText(Path.Combine(outs, "report.md")));
    }
}
