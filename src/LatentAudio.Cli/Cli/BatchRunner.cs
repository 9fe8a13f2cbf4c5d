using LatentAudio.Audio;

namespace LatentAudio.Cli;

/// <summary>What became of one input of a batch.</summary>
internal enum BatchOutcome { Done, Skipped }

/// <summary>
/// The per-input loop every command over a list of inputs shares (as soxi and batch encoders do): each input is tried;
/// one that fails (bad input, or an output of its own that cannot be written) is one line on stderr naming it, with
/// the remedy in the CLI's words, and the others go on; the summary line counts done, skipped and failed. The exit
/// code is 0, 2 when any input was bad, 1 when any failed otherwise. Usage errors and internal errors (bugs) still
/// stop the run (<see cref="CliApp"/>).
/// </summary>
internal sealed class BatchRunner(string command, CliContext context)
{
    private int _done, _skipped, _bad, _failed;

    public int Done => _done;
    public int Skipped => _skipped;
    /// <summary>Inputs that failed, for any reason.</summary>
    public int Failed => _bad + _failed;

    /// <summary>
    /// <see cref="InputExpander.Expand"/> argument by argument: an argument that is missing, or a folder without
    /// audio, is a failed input and the rest are still expanded. Two inputs sharing an output name stop the run.
    /// </summary>
    public IReadOnlyList<InputExpander.Input> Expand(IReadOnlyList<string> arguments, IReadOnlyCollection<string>? extensions = null) =>
        InputExpander.Expand(arguments, extensions, (argument, e) => Run(argument, () => throw e));

    /// <summary>Called before a failure is printed (a progress bar clears its line).</summary>
    public Action? BeforeReport { get; set; }

    /// <summary>Runs <paramref name="body"/> for one input; its failure is reported and counted, never thrown.</summary>
    public bool Run(string input, Func<BatchOutcome?> body)
    {
        try
        {
            switch (body())
            {
                case BatchOutcome.Done: _done++; break;
                case BatchOutcome.Skipped: _skipped++; break;
            }
            return true;
        }
        catch (UsageException) { throw; }
        catch (InvalidInputException e)
        {
            Report(input, e);
            _bad++;
        }
        catch (LatentAudioException e)
        {
            Report(input, e);
            _failed++;
        }
        return false;
    }

    private void Report(string input, LatentAudioException e)
    {
        string message = e.Message.ReplaceLineEndings(" ").Trim();
        if (!message.Contains(input, StringComparison.Ordinal)) message = $"{input}: {message}";
        BeforeReport?.Invoke();
        context.Error.WriteLine($"latentaudio {command}: {message}{CliApp.Hint(e.Remedy)}");
        if (Environment.GetEnvironmentVariable("LATENTAUDIO_DEBUG") == "1") context.Error.WriteLine(e);
    }

    /// <summary>Prints the summary line (when there was more than one input) and returns the exit code.</summary>
    public int Finish()
    {
        if (_done + _skipped + Failed > 1) context.Error.WriteLine($"{_done} done, {_skipped} skipped, {Failed} failed");
        return _failed > 0 ? CliApp.ExitFailure : _bad > 0 ? CliApp.ExitBadInput : CliApp.ExitOk;
    }
}

/// <summary>
/// <c>--allow-truncated</c>: a file shorter than its header declares is refused unless the flag is given; with it the
/// file is read as far as it goes and each command says so (a note in reconstruct's metrics.json and report).
/// </summary>
internal sealed class TruncationOption(bool allow)
{
    public static TruncationOption Read(CommandArgs args) => new(args.Flag("--allow-truncated"));

    public bool Allow => allow;

    /// <summary>The read options for one input; the notes of the truncated files it reads are added to <paramref name="notes"/>.</summary>
    public AudioReadOptions For(List<string> notes) => new()
    {
        AllowTruncated = allow,
        Truncated = t =>
        {
            string note = $"{t.Describe()}; read as far as it goes (--allow-truncated)";
            lock (notes) if (!notes.Contains(note)) notes.Add(note);
        },
    };

    /// <summary>Prints each note as a warning line of <paramref name="command"/>.</summary>
    public static void Warn(CliContext context, string command, IEnumerable<string> notes)
    {
        foreach (var n in notes) context.Error.WriteLine($"latentaudio {command}: warning: {n}");
    }
}
