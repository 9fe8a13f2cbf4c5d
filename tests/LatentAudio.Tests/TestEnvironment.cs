using System.Runtime.CompilerServices;

namespace LatentAudio.Tests;

/// <summary>
/// The test run keeps its optimised-graph cache in a temporary folder of its own (removed at exit) rather than the
/// user's ~/.cache/latentaudio/graphs: models loaded through <c>SessionSettings.Default</c> and CLI processes the tests
/// start (which inherit the variable) then exercise the cache without writing into the user's home.
/// </summary>
internal static class TestEnvironment
{
    [ModuleInitializer]
    internal static void UsePrivateGraphCache()
    {
        if (Environment.GetEnvironmentVariable("LATENTAUDIO_GRAPH_CACHE") is { Length: > 0 }) return;
        var folder = Path.Combine(Path.GetTempPath(), $"latentaudio-tests-graphs-{Environment.ProcessId}");
        Environment.SetEnvironmentVariable("LATENTAUDIO_GRAPH_CACHE", folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
    }
}
