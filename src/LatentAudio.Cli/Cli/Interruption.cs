using System.Diagnostics;
using System.Runtime.InteropServices;
using LatentAudio.IO;

namespace LatentAudio.Cli;

/// <summary>
/// Ctrl-C and SIGTERM for one run of the CLI process: the temporary files this run has open (every one
/// <see cref="AtomicFile"/> creates is reported to it) are deleted, one line is printed, and the process exits with
/// 128 + the signal (130 for SIGINT, 143 for SIGTERM). Outputs already renamed into place are complete and stay.
/// Installed only by the process's own entry (<see cref="CliContext.HandlesSignals"/>), never by in-process tests.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly object _gate = new();
    private readonly HashSet<string> _temporary = new(StringComparer.Ordinal);
    private readonly string _command;
    private readonly TextWriter _error;
    private readonly PosixSignalRegistration[] _registrations;
    private int? _exitCode;

    private Interruption(string command, TextWriter error)
    {
        _command = command; _error = error;
        AtomicFile.TemporaryFileCreated += Created;
        AtomicFile.TemporaryFileReleased += Released;
        var registrations = new List<PosixSignalRegistration>();
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try { registrations.Add(PosixSignalRegistration.Create(signal, Handle)); }
            catch (PlatformNotSupportedException) { }   // the runtime's default then applies
        }
        _registrations = [.. registrations];
    }

    public static Interruption Install(string command, TextWriter error) => new(command, error);

    /// <summary>The exit code of the signal received, or null while none was.</summary>
    public int? ExitCode { get { lock (_gate) return _exitCode; } }

    private void Created(string path)
    {
        lock (_gate)
        {
            // The run is stopping: no new temporary file (the writer deletes the one it just made).
            if (_exitCode is not null) throw new OperationCanceledException("interrupted");
            _temporary.Add(path);
        }
    }

    private void Released(string path)
    {
        lock (_gate) _temporary.Remove(path);
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;   // the runtime's default would end the process before the clean-up
        int code = 128 + (context.Signal == PosixSignal.SIGINT ? 2 : 15);
        int removed = 0;
        lock (_gate)
        {
            if (_exitCode is not null) return;
            _exitCode = code;
            foreach (var path in _temporary)
            {
                try
                {
                    if (File.Exists(path)) { File.Delete(path); removed++; }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            _temporary.Clear();
        }
        string name = context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
        _error.WriteLine($"latentaudio {_command}: interrupted ({name}); removed {removed} temporary file{(removed == 1 ? "" : "s")}, completed outputs kept");
        _error.Flush();
        Environment.Exit(code);
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        AtomicFile.TemporaryFileCreated -= Created;
        AtomicFile.TemporaryFileReleased -= Released;
    }
}

/// <summary>
/// Temporary files a killed run left in an output folder: names <see cref="AtomicFile"/> gives, of a process that is
/// no longer running (or whose id now belongs to a process started after the file was last written).
/// </summary>
internal static class StaleTemporaryFiles
{
    /// <summary>Deletes them from <paramref name="folder"/> (not its sub-folders); returns how many.</summary>
    public static int Remove(string folder, CliContext context)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var path in Directory.EnumerateFiles(folder, ".*.tmp"))
        {
            if (!AtomicFile.TryParseTemporaryName(Path.GetFileName(path), out _, out int pid) || IsLiveWriter(pid, path)) continue;
            try
            {
                File.Delete(path);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        if (removed > 0)
            context.Error.WriteLine($"{folder}: removed {removed} temporary file{(removed == 1 ? "" : "s")} of an interrupted run");
        return removed;
    }

    private static bool IsLiveWriter(int pid, string path)
    {
        if (pid == Environment.ProcessId) return true;   // this process's own (in-process callers write concurrently)
        try
        {
            using var p = Process.GetProcessById(pid);
            if (p.HasExited) return false;
            // an id reused by a process started after the file was last written is not its writer
            return p.StartTime.ToUniversalTime() <= File.GetLastWriteTimeUtc(path).AddSeconds(1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }
}
