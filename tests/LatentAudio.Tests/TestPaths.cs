namespace LatentAudio.Tests;

/// <summary>Where test data lives: fixtures copied beside the test assembly, and the repository root.</summary>
public static class TestPaths
{
    public static string Fixtures(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Fixtures", .. parts]);

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LatentAudio.slnx"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    public static string Samples(string name) => Path.Combine(RepoRoot, "samples", name);

    /// <summary>A fresh temporary folder, removed when disposed.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "latentaudio-tests-" + Guid.NewGuid().ToString("N"));
        public TempDir() => Directory.CreateDirectory(Path);
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
    }
}

/// <summary>Runs the CLI in-process and captures what it prints.</summary>
public static class Cli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = LatentAudio.Cli.CliApp.Run(args, new LatentAudio.Cli.CliContext(o, e));
        return (code, o.ToString(), e.ToString());
    }
}
