using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LatentAudio.Audio;
using LatentAudio.Cli;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.CommandLine;

/// <summary>Help texts, one-line usage errors, one version, the input-name collision rule and the reports' tables.</summary>
public class HelpAndConsistencyTests
{
    public static TheoryData<string> Commands() => new(CommandRegistry.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Commands))]
    public void EveryHelpHasExamplesOfItself(string name)
    {
        var (code, help, _) = Cli.Run(name, "--help");
        Assert.Equal(0, code);
        var lines = help.Split('\n');
        int examples = Array.FindIndex(lines, l => l.TrimEnd() == "Examples:");
        Assert.True(examples > 0, $"{name} --help has no Examples: section");
        Assert.Contains(lines.Skip(examples + 1), l => l.TrimStart().StartsWith($"latentaudio {name}", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void HelpCommandPrintsTheCommandsHelp(string name)
    {
        var viaHelp = Cli.Run("help", name);
        var viaFlag = Cli.Run(name, "--help");
        Assert.Equal(0, viaHelp.Code);
        Assert.Equal(viaFlag.Out, viaHelp.Out);
        Assert.StartsWith($"latentaudio {name}", viaHelp.Out);
    }

    [Fact]
    public void ReconstructHelpExplainsEveryOptionAndItsDefault()
    {
        var help = Cli.Run("reconstruct", "--help").Out;
        var lines = help.Split('\n');
        // value options: explained on their own line, with the default said there or on the next line
        foreach (var option in new[] { "--model", "-o", "--offset", "--seconds", "--decoder", "--iterations", "--seed", "--channels",
                     "--output-rate", "--gain", "--format", "--overlap", "--metrics" })
        {
            int i = Array.FindIndex(lines, l => Regex.IsMatch(l, $@"^\s+(-m, )?{Regex.Escape(option)} "));
            Assert.True(i >= 0, $"{option} is not explained");
            Assert.Contains("default", lines[i] + lines[i + 1]);
        }
        foreach (var flag in new[] { "--sample", "--json", "--force", "--resume", "--quiet" })
            Assert.Contains(lines, l => Regex.IsMatch(l, $@"^\s+(-q, )?{Regex.Escape(flag)}\b"));
        foreach (var ext in AudioFile.KnownExtensions) Assert.Contains(ext, help);   // .oga and .wave are said
        Assert.Contains("each (default", help);
    }

    [Fact]
    public void UnknownHelpTopicIsOneLineExitTwo()
    {
        var (code, _, err) = Cli.Run("help", "no-such-command");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void UsageErrorsAreOneLineThatPointsAtHelp()
    {
        var (code, _, err) = Cli.Run("reconstruct", "x.wav", "--decoder", "nope");
        Assert.Equal(2, code);
        var line = Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("--decoder", line);
        Assert.Contains("latentaudio reconstruct --help", line);
        Assert.DoesNotContain("usage:", err);
    }

    [Fact]
    public void VersionIsTheOneOfTheBuildEverywhere()
    {
        var (code, text, _) = Cli.Run("--version");
        Assert.Equal(0, code);
        var version = text.Trim().Split(' ')[1];
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        Assert.Equal(LatentAudio.Reconstruction.Reconstructor.LibraryVersion, version);
        var props = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props"));
        Assert.Contains($"<Version>{version}</Version>", props);

        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var run = Cli.Run("reconstruct", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "-o", dir.File("o"), "--metrics", "snr", "--json", "--quiet");
        Assert.True(run.Code == 0, run.Err);
        Assert.Equal(version, JsonNode.Parse(run.Out)!["versions"]!["latentaudio"]!.GetValue<string>());
    }

    [Fact]
    public void EqualStemsWithDifferentExtensionsKeepTheirExtension()
    {
        using var dir = new TestPaths.TempDir();
        var folder = dir.File("in");
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        foreach (var f in new[] { "speech.flac", "speech.mp3", "music.wav", "sub/speech.wav" }) File.WriteAllBytes(Path.Combine(folder, f), [0]);
        var stems = InputExpander.Expand([folder]).ToDictionary(i => Path.GetRelativePath(folder, i.Path).Replace('\\', '/'), i => i.Stem);
        Assert.Equal("speech_flac", stems["speech.flac"]);
        Assert.Equal("speech_mp3", stems["speech.mp3"]);
        Assert.Equal("music", stems["music.wav"]);
        Assert.Equal("sub_speech", stems["sub/speech.wav"]);

        // the same extension twice (a/b.wav and a_b.wav) is still refused
        File.WriteAllBytes(Path.Combine(folder, "sub_speech.wav"), [0]);
        var e = Assert.ThrowsAny<InvalidInputException>(() => InputExpander.Expand([folder]));
        Assert.Contains("sub_speech", e.Message);
    }

    [Fact]
    public void ReconstructAcceptsCollidingStemsAndNamesFoldersByExtension()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var folder = dir.File("in");
        Directory.CreateDirectory(folder);
        var audio = AudioFile.Read(TestPaths.Samples("env_robin.wav"), 0, 0.5);
        WavWriter.Write(Path.Combine(folder, "speech.wav"), audio);
        WavWriter.Write(Path.Combine(folder, "speech.wave"), audio);
        var (code, _, err) = Cli.Run("reconstruct", folder, "--model", model.Folder, "-o", dir.File("out"), "--metrics", "snr", "--quiet");
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(dir.File("out"), "speech_wav", "metrics.json")));
        Assert.True(File.Exists(Path.Combine(dir.File("out"), "speech_wave", "metrics.json")));
    }

    [Fact]
    public void ReportsListOnlyTheStagesThatWereMadeAndPutHeadlineMetricsFirst()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var (code, stdout, err) = Cli.Run("reconstruct", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "-o", dir.File("o"),
            "--metrics", "snr,lsd,stoi", "--quiet");
        Assert.True(code == 0, err);
        var md = File.ReadAllText(Path.Combine(dir.File("o"), "report.md"));
        var loss = md[md.IndexOf("## Where the loss is", StringComparison.Ordinal)..md.IndexOf("## Files", StringComparison.Ordinal)];
        Assert.Contains("oracle_vocoder", loss);
        Assert.DoesNotContain("griffinlim", loss);
        var html = File.ReadAllText(Path.Combine(dir.File("o"), "report.html"));
        var loss2 = html[html.IndexOf("Where the loss is", StringComparison.Ordinal)..];
        Assert.DoesNotContain("griffinlim", loss2[..loss2.IndexOf("</ul>", StringComparison.Ordinal)]);
        // headline metrics first: stoi, then lsd, then the rest (snr)
        Assert.Contains("| output | stoi | lsd | snr |", md);
        Assert.Contains("<th>output</th>\n<th>stoi</th><th>lsd</th><th>snr</th></tr>", html.ReplaceLineEndings("\n"));
        // the console shows every metric asked for
        var header = stdout.Split('\n').First(l => l.TrimStart().StartsWith("output", StringComparison.Ordinal));
        Assert.Equal(["output", "stoi", "lsd", "snr"], header.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
