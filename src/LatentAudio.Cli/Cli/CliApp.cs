using System.Reflection;

namespace LatentAudio.Cli;

/// <summary>
/// Entry point logic: dispatch, and the error contract — bad input or usage is one line on stderr and exit 2,
/// any other failure one line and exit 1; a stack trace only with LATENTAUDIO_DEBUG=1.
/// </summary>
public static class CliApp
{
    public const int ExitOk = 0, ExitFailure = 1, ExitBadInput = 2;

    public static int Run(string[] argv, CliContext context)
    {
        if (argv.Length == 0 || argv[0] is "-h" or "--help" or "help")
        {
            PrintHelp(context.Out);
            return argv.Length == 0 ? ExitBadInput : ExitOk;
        }
        if (argv[0] is "--version")
        {
            context.Out.WriteLine($"latentaudio {Version}");
            return ExitOk;
        }
        var command = CommandRegistry.Find(argv[0]);
        if (command is null)
        {
            context.Error.WriteLine($"latentaudio: unknown command '{argv[0]}' (see 'latentaudio --help')");
            return ExitBadInput;
        }
        if (argv.Skip(1).Any(a => a is "-h" or "--help"))
        {
            context.Out.WriteLine(command.Usage);
            return ExitOk;
        }
        using var interruption = context.HandlesSignals ? Interruption.Install(command.Name, context.Error) : null;
        int code = RunCommand(command, argv, context);
        // A signal that arrived while the command was unwinding decides the exit code (its handler exits with it too).
        return interruption?.ExitCode ?? code;
    }

    private static int RunCommand(ICommand command, string[] argv, CliContext context)
    {
        try
        {
            return command.Run(new CommandArgs(argv.Skip(1)), context);
        }
        catch (UsageException e)
        {
            context.Error.WriteLine($"latentaudio {command.Name}: {e.Message}");
            context.Error.WriteLine($"usage: {FirstLine(command.Usage)}");
            return ExitBadInput;
        }
        catch (InvalidInputException e)
        {
            context.Error.WriteLine($"latentaudio {command.Name}: {OneLine(e.Message)}{Hint(e.Remedy)}");
            Debug(context, e);
            return ExitBadInput;
        }
        catch (LatentAudioException e)
        {
            context.Error.WriteLine($"latentaudio {command.Name}: {OneLine(e.Message)}{Hint(e.Remedy)}");
            Debug(context, e);
            return ExitFailure;
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine($"latentaudio {command.Name}: cancelled");
            return ExitFailure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"latentaudio {command.Name}: {OneLine(e.Message)}");
            Debug(context, e);
            return ExitFailure;
        }
        catch (Exception e)
        {
            context.Error.WriteLine($"latentaudio {command.Name}: internal error: {e.GetType().Name}: {OneLine(e.Message)} (set LATENTAUDIO_DEBUG=1 for details)");
            Debug(context, e);
            return ExitFailure;
        }
    }

    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static void PrintHelp(TextWriter w)
    {
        w.WriteLine("latentaudio — audio through the AudioLDM2 VAE and HiFi-GAN, measured.");
        w.WriteLine();
        w.WriteLine("usage: latentaudio COMMAND [ARGS...]   (latentaudio COMMAND --help for details)");
        w.WriteLine();
        int width = CommandRegistry.All.Max(c => c.Name.Length);
        foreach (var c in CommandRegistry.All) w.WriteLine($"  {c.Name.PadRight(width)}  {c.Summary}");
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();
    /// <summary>The library names what to do (<see cref="Remedy"/>); the CLI says which of its options does it.</summary>
    public static string Hint(Remedy remedy) => remedy switch
    {
        Remedy.Overwrite => " (use --force to overwrite)",
        Remedy.ChooseModel => " (pass --model PATH, a folder with vae/ and vocoder/)",
        Remedy.UseCpu => " (use --provider cpu)",
        Remedy.ChooseExcerpt => " (use --offset S and --seconds S)",
        Remedy.FixOffset => " (--offset)",
        Remedy.FixDuration => " (--seconds)",
        Remedy.FixRate => " (--rate)",
        Remedy.AllowTruncated => " (use --allow-truncated to read what is there)",
        _ => "",
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static void Debug(CliContext context, Exception e)
    {
        if (Environment.GetEnvironmentVariable("LATENTAUDIO_DEBUG") == "1") context.Error.WriteLine(e);
    }
}
