using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace LatentAudio.Tests.Study;

/// <summary>The cluster files under deploy/: the Kubernetes manifests parse and agree with each other; the Slurm
/// submit script asks sbatch for the right array and dependency (a recording stand-in for sbatch).</summary>
public class DeployTests
{
    private static YamlMappingNode Load(string name)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "deploy", "k8s", name)));
        stream.Load(reader);
        return (YamlMappingNode)Assert.Single(stream.Documents).RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path)
    {
        foreach (var key in path) node = ((YamlMappingNode)node).Children[new YamlScalarNode(key)];
        return node;
    }

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    private static YamlMappingNode Container(YamlNode job) => (YamlMappingNode)((YamlSequenceNode)At(job, "spec", "template", "spec", "containers")).Children.Single();

    private static string Env(YamlMappingNode container, string name) =>
        ((YamlSequenceNode)At(container, "env")).Children.Cast<YamlMappingNode>().Single(e => Scalar(e, "name") == name) is var e ? Scalar(e, "value") : "";

    [Fact]
    public void KubernetesManifestsAreValidAndConsistent()
    {
        var evaluate = Load("evaluate-job.yaml");
        var merge = Load("merge-job.yaml");
        foreach (var job in new[] { evaluate, merge })
        {
            Assert.Equal("batch/v1", Scalar(job, "apiVersion"));
            Assert.Equal("Job", Scalar(job, "kind"));
            Assert.Equal("Never", Scalar(job, "spec", "template", "spec", "restartPolicy"));
        }
        Assert.Equal("Indexed", Scalar(evaluate, "spec", "completionMode"));
        int completions = int.Parse(Scalar(evaluate, "spec", "completions"));
        Assert.True(completions >= 1);
        Assert.InRange(int.Parse(Scalar(evaluate, "spec", "parallelism")), 1, completions);

        var ev = Container(evaluate);
        var me = Container(merge);
        Assert.Equal(completions.ToString(), Env(ev, "SHARD_COUNT"));
        string script = string.Join("\n", ((YamlSequenceNode)At(ev, "args")).Children.Cast<YamlScalarNode>().Select(s => s.Value));
        Assert.Contains("latentaudio evaluate \"$STUDY_INPUT\" -o \"$STUDY_OUT\" --shard-count \"$SHARD_COUNT\"", script);
        Assert.Contains("shard-$JOB_COMPLETION_INDEX-of-$SHARD_COUNT.done.json", script);
        string mergeScript = string.Join("\n", ((YamlSequenceNode)At(me, "args")).Children.Cast<YamlScalarNode>().Select(s => s.Value));
        Assert.Contains("latentaudio merge \"$STUDY_OUT\"", mergeScript);
        Assert.Equal(Env(ev, "STUDY_OUT"), Env(me, "STUDY_OUT"));
        Assert.Equal(Scalar(ev, "image"), Scalar(me, "image"));

        // One shared volume, mounted at the same place, holding STUDY_OUT.
        string Claim(YamlNode job) => Scalar(((YamlSequenceNode)At(job, "spec", "template", "spec", "volumes")).Children.Single(), "persistentVolumeClaim", "claimName");
        string Mount(YamlMappingNode c) => Scalar(((YamlSequenceNode)At(c, "volumeMounts")).Children.Single(), "mountPath");
        Assert.Equal(Claim(evaluate), Claim(merge));
        Assert.Equal(Mount(ev), Mount(me));
        Assert.StartsWith(Mount(ev) + "/", Env(ev, "STUDY_OUT"));
        Assert.StartsWith(Mount(ev) + "/", Env(ev, "STUDY_INPUT"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void SlurmScriptSubmitsAnArrayAndAMergeAfterIt()
    {
        using var dir = new TestPaths.TempDir();
        var log = dir.File("sbatch.log");
        var bin = dir.File("bin");
        Directory.CreateDirectory(bin);
        // A stand-in sbatch: records its arguments, answers like --parsable (job id;cluster).
        File.WriteAllText(Path.Combine(bin, "sbatch"), $"#!/bin/sh\necho \"$*\" >> '{log}'\nn=$(wc -l < '{log}')\necho \"$((1000 + n));cluster\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "sbatch"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var psi = new ProcessStartInfo("sh", [Path.Combine(TestPaths.RepoRoot, "deploy", "slurm", "evaluate.sh"), dir.Path, dir.File("out"), "3", "--", "--decoder", "all"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stderr);
        Assert.Equal("1002", stdout.Trim());
        var calls = File.ReadAllLines(log);
        Assert.Equal(2, calls.Length);
        Assert.Contains("--array=0-2", calls[0]);
        Assert.Contains("evaluate-shard.sh " + dir.Path + " " + dir.File("out") + " 3 --decoder all", calls[0]);
        Assert.Contains("--dependency=afterok:1001", calls[1]);
        Assert.Contains("merge.sh " + dir.File("out"), calls[1]);
    }

    /// <summary>Runs the Slurm merge.sh and the Kubernetes merge Job's script with a stand-in latentaudio that prints
    /// <paramref name="stdout"/> and exits <paramref name="code"/>; returns the scripts' exit codes.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static (int Slurm, int Kubernetes) MergeScripts(TestPaths.TempDir dir, string stdout, int code)
    {
        var bin = dir.File("bin");
        Directory.CreateDirectory(bin);
        var fake = Path.Combine(bin, "latentaudio");
        File.WriteAllText(fake, $"#!/bin/sh\nprintf '%b' '{stdout}'\necho 'some message' >&2\nexit {code}\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        int Run(string file, string[] args)
        {
            var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
            psi.Environment["LATENTAUDIO"] = fake;
            psi.Environment["STUDY_OUT"] = dir.File("out");
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode;
        }
        string k8s = string.Join("\n", ((YamlSequenceNode)At(Container(Load("merge-job.yaml")), "args")).Children.Cast<YamlScalarNode>().Select(s => s.Value));
        return (Run("sh", [Path.Combine(TestPaths.RepoRoot, "deploy", "slurm", "merge.sh"), dir.File("out")]), Run("sh", ["-c", k8s]));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void MergeJobsSucceedWhenTheSummaryWasWrittenWithFailedItemsAndFailOnARefusal()
    {
        using var dir = new TestPaths.TempDir();
        // merge wrote the summary; some items failed: exit 2 after "summary: PATH" is a completed merge.
        Assert.Equal((0, 0), MergeScripts(dir, "summary: /x/out/summary.json\n", 2));
        Assert.Equal((0, 0), MergeScripts(dir, "summary: /x/out/summary.json\n", 0));
        // A refusal (nothing written, no summary line) fails the job, as does any other error.
        Assert.Equal((2, 2), MergeScripts(dir, "", 2));
        Assert.Equal((1, 1), MergeScripts(dir, "summary: /x/out/summary.json\n", 1));
    }
}
