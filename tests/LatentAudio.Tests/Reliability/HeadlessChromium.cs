using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LatentAudio.Tests.Reliability;

/// <summary>
/// Debian's chromium (.ci/run installs it) run headless on a local page: what a person's browser would build from
/// it, as the DOM after scripts ran (<c>--dump-dom</c>), and the page's console errors (from chromium's log on
/// stderr). Shared by every test of a self-contained HTML page.
/// </summary>
public static class HeadlessChromium
{
    public static string? Find() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    /// <summary>What chromium rendered: the DOM and the console errors of the page (uncaught exceptions, failed loads).</summary>
    public sealed record Page(string Dom, IReadOnlyList<string> ConsoleErrors);

    /// <summary>Loads <paramref name="html"/> with scripts enabled; <paramref name="profile"/> is a scratch folder for
    /// chromium's profile (so runs never share state).</summary>
    public static Page Load(string html, string profile)
    {
        var chromium = Find();
        Assert.True(chromium is not null, "chromium is not installed (CI is set, so this is not skipped)");
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--enable-logging=stderr", "--v=0",
                     $"--user-data-dir={profile}", "--dump-dom", new Uri(Path.GetFullPath(html)).AbsoluteUri })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("chromium did not finish in 120 s"); }
        // The page's console reaches the log as `INFO:CONSOLE:LINE] "message", source: URL` (older builds:
        // `CONSOLE(LINE)]`); errors are "Uncaught ..." or a failed load.
        var errors = stderr.Result.Split('\n')
            .Where(l => Regex.IsMatch(l, @"CONSOLE[:(]\d+\)?\].*(Uncaught|Error)|Failed to load resource", RegexOptions.IgnoreCase))
            .ToList();
        return new Page(stdout.Result, errors);
    }
}

/// <summary>A fact skipped (with the reason) where no chromium is installed, unless the CI variable is set.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Find() is null && Environment.GetEnvironmentVariable("CI") is null)
            Skip = "chromium is not installed (/usr/bin/chromium, chromium-browser or google-chrome): the rendered page cannot be checked here";
    }
}
