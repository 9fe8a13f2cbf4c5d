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
            // "latentaudio help COMMAND" is "latentaudio COMMAND --help"
            if (argv.Length > 1 && argv[0] == "help")
            {
                if (CommandRegistry.Find(argv[1]) is { } asked)
                {
                    context.Out.WriteLine(asked.Usage.TrimEnd());
                    return ExitOk;
                }
                context.Error.WriteLine($"latentaudio: unknown command '{argv[1]}' (see 'latentaudio --help')");
                return ExitBadInput;
            }
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
            context.Out.WriteLine(command.Usage.TrimEnd());
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
            // one line, like every other error; the usage is one command away
            context.Error.WriteLine($"latentaudio {command.Name}: {OneLine(e.Message)} (see 'latentaudio {command.Name} --help')");
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

    /// <summary>The one version (Directory.Build.props), the same that metrics.json records.</summary>
    public static string Version => Reconstruction.Reconstructor.LibraryVersion;

    private static void PrintHelp(TextWriter w)
    {
        w.WriteLine("latentaudio — audio through the AudioLDM2 VAE and HiFi-GAN, measured.");
        w.WriteLine();
        w.WriteLine("usage: latentaudio COMMAND [ARGS...]   (latentaudio help COMMAND, or COMMAND --help, for its options)");
        w.WriteLine();
        int width = CommandRegistry.All.Max(c => c.Name.Length);
        foreach (var c in CommandRegistry.All) w.WriteLine($"  {c.Name.PadRight(width)}  {c.Summary}");
        w.WriteLine();
        w.WriteLine("examples:");
        w.WriteLine("  latentaudio reconstruct samples/                  the main job (fetches the model on first use)");
        w.WriteLine("  latentaudio reconstruct samples/ --model samples/demo-model -o demo-out");
        w.WriteLine("                                                    offline, on the random-weight demo model");
        w.WriteLine("  latentaudio metrics ref.wav deg.wav               every metric of one pair");
        w.WriteLine("  latentaudio encode speech.wav -o speech.lat --model audioldm2 --kbps 8");
        w.WriteLine();
        w.WriteLine("  --version    print the version; --help, -h    this text");
        w.WriteLine("exit codes: 0 success, 2 bad input or usage, 1 anything else (LATENTAUDIO_DEBUG=1 for a stack trace)");
    }

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
        Remedy.ChooseWeights => " (pass --weights FILE)",
        _ => "",
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();

    private static void Debug(CliContext context, Exception e)
    {
        if (Environment.GetEnvironmentVariable("LATENTAUDIO_DEBUG") == "1") context.Error.WriteLine(e);
    }
}
