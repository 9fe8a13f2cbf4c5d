using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Tests.Codec;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.Reliability;

/// <summary>
/// Ctrl-C and SIGTERM (issue 16, item 5): the CLI, a real child process, is signalled while it writes an output
/// under its temporary name; it must stop with 130 (SIGINT) or 143 (SIGTERM) and one line, leave no temporary file,
/// and keep the outputs it had completed. The next run removes temporary files of dead processes.
/// </summary>
public class SignalTests
{
    private const int SigInt = 2, SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [Fact]
    public void SigIntDuringReconstruct() => Interrupt(SigInt, 130, "reconstruct",
        (inputs, outs, model) => ["reconstruct", inputs, "--model", model, "-o", outs, "--metrics", "snr", "--decoder", "vocoder"],
        finished: outs => Path.Combine(outs, "a", "metrics.json"),
        started: outs => (Path.Combine(outs, "b"), ".*.tmp"));

    [Fact]
    public void SigTermDuringEncode() => Interrupt(SigTerm, 143, "encode",
        (inputs, outs, model) => ["encode", inputs, "--model", model, "-o", outs, "--step", "0.1"],
        finished: outs => Path.Combine(outs, "a.lat"),
        started: outs => (outs, ".b.lat.*.tmp"));

    /// <summary>
    /// a.wav (1 s) then b.wav (long): once a's output is complete and a temporary file of b's is on disk, the signal.
    /// </summary>
    private static void Interrupt(int signal, int expectedCode, string command, Func<string, string, string, string[]> args,
        Func<string, string> finished, Func<string, (string Folder, string Pattern)> started)
    {
        Assert.True(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals");
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var inputs = Directory.CreateDirectory(dir.File("in")).FullName;
        WavWriter.Write(Path.Combine(inputs, "a.wav"), CodecTestData.Tone(1.0, seed: 1), WavSampleFormat.Pcm16);
        WavWriter.Write(Path.Combine(inputs, "b.wav"), CodecTestData.Tone(300.0, seed: 2), WavSampleFormat.Pcm16);
        var outs = dir.File("out");

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "latentaudio.dll"));
        foreach (var a in args(inputs, outs, model.Folder)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        byte[]? complete = null;
        try
        {
            // Poll (no timing assertion): until a is complete and b is being written under a temporary name.
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (!p.HasExited && DateTime.UtcNow < deadline)
            {
                var (folder, pattern) = started(outs);
                if (File.Exists(finished(outs)) && Directory.Exists(folder) && Directory.GetFiles(folder, pattern).Length > 0)
                {
                    complete = File.ReadAllBytes(finished(outs));
                    Assert.Equal(0, kill(p.Id, signal));
                    break;
                }
                Thread.Sleep(10);
            }
            Assert.True(complete is not null, $"the signal was never sent (exited: {p.HasExited}): {stderr.Result}");
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "the CLI did not stop after the signal");
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        p.WaitForExit();
        string err = stderr.Result;
        Assert.True(expectedCode == p.ExitCode, $"exit {p.ExitCode}: {err}");
        var lines = err.Split('\n').Where(l => l.Contains("interrupted", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.StartsWith($"latentaudio {command}: ", lines[0]);
        Assert.Empty(Directory.GetFiles(outs, "*.tmp", SearchOption.AllDirectories));
        // the output completed before the signal is still there, unchanged
        Assert.Equal(complete, File.ReadAllBytes(finished(outs)));
        if (finished(outs).EndsWith(".json", StringComparison.Ordinal)) Assert.NotNull(JsonNode.Parse(File.ReadAllText(finished(outs))));
        Assert.False(File.Exists(Path.Combine(outs, "b", "metrics.json")) || File.Exists(Path.Combine(outs, "b.lat")), "b was not interrupted");
    }

    [Fact]
    public void TheNextRunRemovesTemporaryFilesOfDeadProcesses()
    {
        using var dir = new TestPaths.TempDir();
        var inputs = Directory.CreateDirectory(dir.File("in")).FullName;
        WavWriter.Write(Path.Combine(inputs, "a.wav"), CodecTestData.Tone(1.0, seed: 1), WavSampleFormat.Pcm16);
        var outs = Directory.CreateDirectory(dir.File("lat")).FullName;
        int dead = DeadPid();
        string stale = Path.Combine(outs, $".a.lat.{dead}.{Guid.NewGuid():N}.tmp");
        string live = Path.Combine(outs, $".a.lat.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string other = Path.Combine(outs, ".notes.tmp");   // not one of ours: never touched
        foreach (var f in new[] { stale, live, other }) File.WriteAllBytes(f, new byte[100]);

        var o = new StringWriter(); var e = new StringWriter();
        int code = new LatentAudio.Cli.EncodeCommand(new FakeCodecModels())
            .Run(new LatentAudio.Cli.CommandArgs([inputs, "-o", outs, "--model", "test/fake-vae", "--step", "0.1", "--resume"]), new LatentAudio.Cli.CliContext(o, e));
        Assert.True(code == 0, e.ToString());
        Assert.False(File.Exists(stale), "the temporary file of a dead process was left");
        Assert.True(File.Exists(live), "a temporary file of a live process was removed");
        Assert.True(File.Exists(other));
        Assert.True(File.Exists(Path.Combine(outs, "a.lat")));
    }

    /// <summary>The id of a process that has exited.</summary>
    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }

    private sealed class FakeCodecModels : LatentAudio.Cli.ICodecModelProvider
    {
        public LatentAudio.Cli.CodecModel Load(string spec, string? revision) =>
            new(new FakeAutoencoder(), CodecTestData.ModelA, new FakeFrontEnd(),
                mel => Enumerable.Range(0, mel.Shape[0] * 160 + 32).Select(i => (float)(0.25 * Math.Sin(i * 0.05))).ToArray());
    }
}
