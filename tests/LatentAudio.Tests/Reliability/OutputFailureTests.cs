using System.Diagnostics;
using LatentAudio.Audio;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Reliability;

/// <summary>A full disk and an unwritable output folder give a clear error and leave inputs and earlier outputs alone.</summary>
public class OutputFailureTests(ITestOutputHelper output)
{
    private static string MakeInput(TestPaths.TempDir dir)
    {
        var path = dir.File("in.wav");
        var x = new float[20 * 16000];
        var rng = new Random(3);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() - 0.5);
        WavWriter.Write(path, AudioBuffer.Mono(x, 16000), WavSampleFormat.Pcm16);
        return path;
    }

    [TmpfsMountFact]
    public void FullDiskFailsClearlyAndKeepsEarlierOutputs()
    {
        using var dir = new TestPaths.TempDir();
        var input = MakeInput(dir);
        var inputBytes = File.ReadAllBytes(input);
        var disk = Directory.CreateDirectory(dir.File("disk")).FullName;
        // Where mounting is refused the test is reported as skipped (TmpfsMountFact); here it must work.
        Assert.True(Mount(disk), "mounting a 128 KB tmpfs failed although the probe at discovery succeeded");
        try
        {
            // an earlier output that fits, then one (the 20 s mel is ~512 KB) that cannot
            var earlier = Path.Combine(disk, "earlier.npy");
            File.WriteAllBytes(earlier, [1, 2, 3, 4]);
            var fresh = Cli.Run("mel", input, "-o", Path.Combine(disk, "new.npy"));
            Assert.Equal(1, fresh.Code);
            Assert.Contains("new.npy: cannot be written", fresh.Err);
            Assert.Contains("No space left on device", fresh.Err);
            Assert.False(File.Exists(Path.Combine(disk, "new.npy")));

            // --force over the earlier output: the old file stays whole, as the write goes to a temp first
            var over = Cli.Run("mel", input, "-o", earlier, "--force");
            Assert.Equal(1, over.Code);
            Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(earlier));
            Assert.Equal(["earlier.npy"], Directory.GetFiles(disk).Select(Path.GetFileName)); // no temp left behind
            Assert.Equal(inputBytes, File.ReadAllBytes(input));
            output.WriteLine(fresh.Err.Trim());
        }
        finally { Unmount(disk); }
    }

    [Fact]
    public void UnwritableOutputFolderFailsClearly()
    {
        using var dir = new TestPaths.TempDir();
        var input = MakeInput(dir);
        var inputBytes = File.ReadAllBytes(input);
        // Root ignores chmod 0555, so the unwritable folders are a file standing where a folder is wanted, and /proc.
        var blocker = dir.File("not-a-folder");
        File.WriteAllText(blocker, "keep me");
        var underFile = Cli.Run("mel", input, "-o", Path.Combine(blocker, "out.npy"));
        Assert.Equal(1, underFile.Code);
        Assert.Contains("cannot create the output folder", underFile.Err);
        Assert.Equal("keep me", File.ReadAllText(blocker));

        var underProc = Cli.Run("mel", input, "-o", "/proc/latentaudio-reliability/out.npy");
        Assert.NotEqual(0, underProc.Code);
        Assert.Contains("/proc/latentaudio-reliability/out.npy", underProc.Err);
        Assert.DoesNotContain("internal error", underProc.Err);
        Assert.Equal(inputBytes, File.ReadAllBytes(input));
        output.WriteLine(underFile.Err.Trim());
        output.WriteLine(underProc.Err.Trim());
    }

    internal static bool Mount(string path) => Run("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", path) == 0;
    internal static void Unmount(string path) => Run("umount", path);

    private static int Run(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.WaitForExit(10_000);
            return p.HasExited ? p.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception) { return -1; }
    }
}

/// <summary>
/// A fact that is reported as skipped, with the reason, where a small tmpfs cannot be mounted (needs root or
/// CAP_SYS_ADMIN and a runtime that allows it). Decided once, at discovery, by mounting and unmounting one.
/// </summary>
public sealed class TmpfsMountFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Refusal = new(Probe);

    public TmpfsMountFactAttribute()
    {
        if (Refusal.Value is { } reason) Skip = reason;
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "the full-disk case mounts a tmpfs, which needs Linux";
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "latentaudio-mount-probe-" + Guid.NewGuid().ToString("N")));
        try
        {
            if (!OutputFailureTests.Mount(dir.FullName))
                return "mounting a tmpfs is not permitted here (needs root/CAP_SYS_ADMIN): the full-disk case cannot run";
            OutputFailureTests.Unmount(dir.FullName);
            return null;
        }
        finally { try { dir.Delete(); } catch (IOException) { } }
    }
}
