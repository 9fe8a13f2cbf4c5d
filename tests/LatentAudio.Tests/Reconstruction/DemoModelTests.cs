using System.Diagnostics;
using System.Text.Json.Nodes;
using LatentAudio.Models.AudioLdm;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// The bundled random-weight demo model (samples/demo-model): the README's offline command runs with it, and
/// everything it writes says that the weights are random.
/// </summary>
public class DemoModelTests
{
    private static string DemoModel => Path.Combine(TestPaths.RepoRoot, "samples", "demo-model");

    [Fact]
    public void TheDemoFolderIsSmallMarkedAndInTheReadme()
    {
        Assert.True(File.Exists(Path.Combine(DemoModel, AudioLdmModel.RandomWeightsMarker)));
        long bytes = Directory.EnumerateFiles(DemoModel, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 1_000_000, 8_000_000);
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        Assert.Contains("reconstruct samples/ --model samples/demo-model", readme);
    }

    [Fact]
    public void ReconstructOfflineWithTheDemoModelSaysTheWeightsAreRandomEverywhere()
    {
        using var dir = new TestPaths.TempDir();
        var outDir = dir.File("demo-out");
        // The README's command, in a child process with the hub switched off (and pointed nowhere); --metrics keeps it short.
        var (code, stdout, stderr) = RunChild(TestPaths.RepoRoot,
            ["reconstruct", "samples/", "--model", "samples/demo-model", "-o", outDir, "--metrics", "snr,lsd"]);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("RANDOM WEIGHTS", stderr);
        Assert.Contains("RANDOM WEIGHTS", stdout);

        var folders = Directory.GetDirectories(outDir);
        Assert.Equal(4, folders.Length);   // the four sample files; the model folder holds no audio
        foreach (var folder in folders)
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))!.AsObject();
            Assert.Equal("warning", json.First().Key);
            Assert.Equal(AudioLdmModel.RandomWeightsWarning, json["warning"]!.GetValue<string>());
            Assert.True(json["model"]!["random_weights"]!.GetValue<bool>());
            Assert.Contains(AudioLdmModel.RandomWeightsWarning, json["notes"]!.AsArray().Select(n => n!.GetValue<string>()));
            var md = File.ReadAllLines(Path.Combine(folder, "report.md"));
            Assert.Contains("RANDOM WEIGHTS", md[0]);
            var html = File.ReadAllText(Path.Combine(folder, "report.html"));
            int body = html.IndexOf("<body>", StringComparison.Ordinal);
            Assert.True(body > 0);
            Assert.StartsWith("<p class=\"warning\"", html[(body + "<body>".Length)..].TrimStart());
            Assert.Contains("RANDOM WEIGHTS", html[body..html.IndexOf("<h1>", StringComparison.Ordinal)]);
        }
        // --metrics snr,lsd: the console table shows both columns
        Assert.Contains("snr", stdout);
        Assert.Contains("lsd", stdout);
    }

    [Fact]
    public void AnUnmarkedModelCarriesNoWarning()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var (code, stdout, err) = Cli.Run("reconstruct", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "-o", dir.File("o"), "--metrics", "snr");
        Assert.True(code == 0, err);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.File("o"), "metrics.json")))!.AsObject();
        Assert.False(json.ContainsKey("warning"));
        Assert.False(json["model"]!["random_weights"]!.GetValue<bool>());
        Assert.DoesNotContain("RANDOM WEIGHTS", stdout + err);
        Assert.StartsWith("# Reconstruction", File.ReadAllText(Path.Combine(dir.File("o"), "report.md")));
    }

    private static (int Code, string Out, string Err) RunChild(string workingDirectory, string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "latentaudio.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HF_HUB_OFFLINE"] = "1";
        psi.Environment["HF_ENDPOINT"] = "http://127.0.0.1:9";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        // a guard against a hang, not a timing assertion
        if (!p.WaitForExit(TimeSpan.FromMinutes(20))) { p.Kill(true); throw new TimeoutException("latentaudio did not finish"); }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
