using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// Loads report.html in headless Chromium (Debian's chromium; .ci/run installs it) and checks what a person would
/// see: one player per file, the spectrogram images, and a metrics row per output.
/// </summary>
public class HtmlReportBrowserTests
{
    private static string? FindChromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    [Fact]
    public void ReportRendersWithPlayersImagesAndRows()
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var outDir = dir.File("out");
        var (code, _, err) = Cli.Run("reconstruct", TestPaths.Samples("env_robin.wav"), "--model", model.Folder, "-o", outDir,
            "--decoder", "all", "--iterations", "2", "--metrics", "snr,lsd,mel_distance");
        Assert.True(code == 0, err);
        var html = Path.Combine(outDir, "report.html");
        Assert.DoesNotContain("http://", File.ReadAllText(html));
        Assert.DoesNotContain("https://", File.ReadAllText(html));

        var chromium = FindChromium();
        if (chromium is null)
        {
            // CI installs chromium; a developer machine without it still gets the static checks above.
            Assert.Null(Environment.GetEnvironmentVariable("CI"));
            return;
        }
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
