namespace LatentAudio.Cli;

/// <summary>Where a command writes: injectable so tests run commands in-process.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error)
{
    /// <summary>When stderr is not a terminal, progress is a plain line at most this often (and none before it has
    /// passed, so a quick command, or one that fails at once, prints nothing but its result or its one error line).</summary>
    public TimeSpan ProgressInterval { get; init; } = CliProgress.DefaultInterval;

    public static CliContext Console => new(System.Console.Out, System.Console.Error) { HandlesSignals = true };

    /// <summary>The run owns the process: SIGINT/SIGTERM delete its temporary files and exit 130/143 (<see cref="Interruption"/>).</summary>
    public bool HandlesSignals { get; init; }
}

/// <summary>One verb of the CLI (<c>latentaudio NAME ...</c>).</summary>
public interface ICommand
{
    string Name { get; }
    /// <summary>One line for the command list.</summary>
    string Summary { get; }
    /// <summary>The usage text shown by <c>latentaudio NAME --help</c>.</summary>
    string Usage { get; }
    /// <summary>Runs the command; returns the exit code. Throws <see cref="InvalidInputException"/> for bad input.</summary>
    int Run(CommandArgs args, CliContext context);
}
