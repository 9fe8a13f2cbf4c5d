using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// Loads report.html in headless Chromium (Debian's chromium; .ci/run installs it) and checks what a person would
/// see: one player per file, the spectrogram images, and a metrics row per output.
/// </summary>
public class HtmlReportBrowserTests
{
    internal static string? FindChromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    private static string Report(TestPaths.TempDir dir)
    {
        using var model = new TinyModel();
        var outDir = dir.File("out");
        var (code, _, err) = Cli.Run("reconstruct", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "-o", outDir,
            "--decoder", "all", "--iterations", "2", "--metrics", "snr,lsd,mel_distance");
        Assert.True(code == 0, err);
        return Path.Combine(outDir, "report.html");
    }

    [Fact]
    public void ReportIsSelfContained()
    {
        using var dir = new TestPaths.TempDir();
        var html = File.ReadAllText(Report(dir));
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
    }

    /// <summary>Skipped, with the reason, where chromium is missing, except under CI (which installs it): there it fails.</summary>
    [ChromiumFact]
    public void ReportRendersWithPlayersImagesAndRows()
    {
        var chromium = FindChromium();
        Assert.True(chromium is not null, "chromium is not installed (CI is set, so this is not skipped)");
        using var dir = new TestPaths.TempDir();
        var html = Report(dir);
        var dom = DumpDom(chromium, html, dir.File("profile"));
        Assert.Equal(5, Regex.Matches(dom, "<audio ").Count);                       // input + 4 outputs
        Assert.Equal(1 + 4 * 3, Regex.Matches(dom, "<img ").Count);                 // input + (input, output, difference) per output
        foreach (var row in new[] { "vae_vocoder", "oracle_vocoder", "vae_griffinlim", "oracle_griffinlim" })
            Assert.Contains($"<tr data-output=\"{row}\">", dom);
        Assert.Contains("<th>mel_distance</th>", dom);
    }

    private static string DumpDom(string chromium, string html, string profile)
    {
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     $"--user-data-dir={profile}", "--dump-dom", new Uri(html).AbsoluteUri })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("chromium did not finish in 120 s"); }
        return stdout.Result;
    }
}

/// <summary>A fact skipped (with the reason) where no chromium is installed, unless the CI variable is set.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HtmlReportBrowserTests.FindChromium() is null && Environment.GetEnvironmentVariable("CI") is null)
            Skip = "chromium is not installed (/usr/bin/chromium, chromium-browser or google-chrome): the rendered report cannot be checked here";
    }
}
