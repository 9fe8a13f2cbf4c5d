namespace LatentAudio.Cli;

/// <summary>Where a command writes: injectable so tests run commands in-process.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error)
{
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
