namespace LatentAudio.Cli;

/// <summary>Says loudly, on stderr, that a model's numbers mean nothing (a random-weight demo model).</summary>
internal static class ModelWarning
{
    public static void Print(CliContext context, string command, string? warning)
    {
        if (warning is null) return;
        context.Error.WriteLine($"latentaudio {command}: WARNING: {warning}");
    }
}
