using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.Study;

/// <summary>Runs where a single-node Slurm cluster can be started: as root, with Slurm installed or apt-get to install
/// it (Debian's slurm-wlm and munge). Elsewhere it is skipped, with the reason.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (OperatingSystem.IsWindows()) Skip = "Slurm needs Linux";
        else if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root")
            Skip = "starting munged, slurmctld and slurmd needs root";
        else if (RealSlurmTests.Which("slurmctld") is null && RealSlurmTests.Which("apt-get") is null)
            Skip = "Slurm is not installed and apt-get is not there to install it (Debian's slurm-wlm, munge)";
    }
}

/// <summary>
/// deploy/slurm/evaluate.sh on a real Slurm: installs slurm-wlm and munge with apt when missing, starts munged,
/// slurmctld and slurmd for one node from a generated slurm.conf (proctrack/linuxproc, task/none, select/cons_tres,
/// everything in a temporary folder, private ports), submits 3 shards and the merge, waits for the merge job, and
/// checks its summary's groups equal an unsharded run's byte for byte. Stops the daemons it started.
/// </summary>
public class RealSlurmTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(10);

    [SlurmFact]
    public void ThreeShardArrayAndMergeJobGiveTheUnshardedGroups()
    {
        EnsureInstalled();
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        var input = dir.File("in");
        foreach (var (sample, offset, rel) in new[] { ("speech_libri1.wav", 0.0, "speech/a.wav"), ("speech_libri1.wav", 1.0, "speech/b.wav"), ("music_brahms.wav", 0.0, "music/c.wav") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(input, rel))!);
            WavWriter.Write(Path.Combine(input, rel), AudioFile.Read(TestPaths.Samples(sample), offset, 0.5));
        }
        File.WriteAllText(Path.Combine(input, "music", "broken.wav"), "not audio");
        string[] evaluateArgs = ["--model", model.Folder, "--metrics", "snr,lsd,mel_distance"];

        var cluster = dir.File("cluster");
        Directory.CreateDirectory(cluster);
        string script = Path.Combine(TestPaths.RepoRoot, "tests", "LatentAudio.Tests", "Study", "slurm", "cluster.sh");
        var env = new Dictionary<string, string> { ["SLURM_CONF"] = Path.Combine(cluster, "slurm.conf") };
        try
        {
            var start = Run("bash", [script, "start", cluster, FreePort().ToString(), FreePort().ToString()], null, TimeSpan.FromMinutes(2));
            Assert.True(start.Code == 0, $"the cluster did not start: {start.Err}\n{Logs(cluster)}");

            env["LATENTAUDIO"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "latentaudio.dll")}";
            var outDir = dir.File("out");
            var submit = Run("sh", [Path.Combine(TestPaths.RepoRoot, "deploy", "slurm", "evaluate.sh"), input, outDir, "3", "--", .. evaluateArgs], env, TimeSpan.FromMinutes(1));
            Assert.True(submit.Code == 0, submit.Err);
            string mergeJob = submit.Out.Trim();
            Assert.Matches("^[0-9]+$", mergeJob);

            string state = WaitForJob(mergeJob, env);
            Assert.True(state == "COMPLETED", $"merge job {mergeJob}: {state}\n{Logs(outDir)}\n{Logs(cluster)}");

            var unsharded = dir.File("unsharded");
            var local = Cli.Run(["evaluate", input, "-o", unsharded, .. evaluateArgs]);
            Assert.True(local.Code == 2, local.Err); // the broken file failed; every other item ran
            string Groups(string o) => JsonNode.Parse(File.ReadAllText(Path.Combine(o, "summary.json")))!["groups"]!.ToJsonString();
            Assert.Equal(Groups(unsharded), Groups(outDir));
            var runs = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!["runs"]!.AsArray();
            Assert.Equal([0, 1, 2], runs.Select(r => (int)r!["shard"]!));
            Assert.Equal(1, (int)JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")))!["groups"]!["music"]!["failures"]!);
        }
        finally
        {
            Run("bash", [script, "stop", cluster], null, TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>Slurm's state of a job once it has ended (COMPLETED, FAILED, CANCELLED, ...), or TIMEOUT after <see cref="JobTimeout"/>.</summary>
    private static string WaitForJob(string job, Dictionary<string, string> env)
    {
        var clock = Stopwatch.StartNew();
        string state = "";
        while (clock.Elapsed < JobTimeout)
        {
            var show = Run("scontrol", ["show", "job", job], env, TimeSpan.FromSeconds(30));
            var field = show.Out.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(t => t.StartsWith("JobState=", StringComparison.Ordinal));
            state = field?["JobState=".Length..] ?? "unknown: " + show.Err.Trim();
            if (state is "COMPLETED" or "FAILED" or "CANCELLED" or "TIMEOUT" or "NODE_FAIL" or "OUT_OF_MEMORY") return state;
            Thread.Sleep(1000);
        }
        return $"not finished after {JobTimeout.TotalMinutes} min (last state {state})";
    }

    private static void EnsureInstalled()
    {
        if (Which("slurmctld") is not null && Which("munged") is not null && Which("sbatch") is not null) return;
        var update = Run("apt-get", ["update", "-qq"], null, TimeSpan.FromMinutes(5));
        Assert.True(update.Code == 0, "apt-get update failed: " + update.Err);
        var install = Run("apt-get", ["install", "-y", "-qq", "slurm-wlm", "munge"],
            new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" }, TimeSpan.FromMinutes(10));
        Assert.True(install.Code == 0, "apt-get install slurm-wlm munge failed: " + install.Err);
    }

    internal static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"])
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static string Logs(string folder) => !Directory.Exists(folder) ? "" : string.Join("\n",
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".log") || f.EndsWith(".out"))
            .Select(f => $"--- {f}\n{string.Join("\n", File.ReadLines(f).TakeLast(15))}"));

    private static (int Code, string Out, string Err) Run(string file, string[] args, Dictionary<string, string>? env, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = (Environment.GetEnvironmentVariable("PATH") ?? "") + ":/usr/sbin:/sbin";
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-1, o.Result, $"{file} timed out after {timeout}: {e.Result}");
        }
        p.WaitForExit();
        return (p.ExitCode, o.Result, e.Result);
    }
}
