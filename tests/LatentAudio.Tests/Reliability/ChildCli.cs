using System.Diagnostics;

namespace LatentAudio.Tests.Reliability;

/// <summary>The CLI as a child process, for tests that SIGKILL it at random points.</summary>
internal static class ChildCli
{
    /// <summary>Runs <c>latentaudio ARGS</c>; its exit code (0, else the test fails), or -9 when it was SIGKILLed after <paramref name="killAfter"/>.</summary>
    public static int Run(string[] args, TimeSpan? killAfter, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "latentaudio.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (killAfter is TimeSpan d && !p.WaitForExit(d))
        {
            p.Kill(entireProcessTree: true); // SIGKILL on Unix
            p.WaitForExit();
            return -9;
        }
        if (!p.WaitForExit(timeout)) { p.Kill(true); throw new TimeoutException($"latentaudio {args[0]} did not finish"); }
        p.WaitForExit();
        if (p.ExitCode != 0) throw new Xunit.Sdk.XunitException($"latentaudio {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
        return p.ExitCode;
    }
}
