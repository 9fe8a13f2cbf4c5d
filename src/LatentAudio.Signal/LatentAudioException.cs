namespace LatentAudio;

/// <summary>
/// What a user can do about an error, named without a front-end's syntax: the library never names command-line
/// flags; a front-end (the CLI) turns a remedy into its own words (e.g. Overwrite -> "use --force to overwrite").
/// </summary>
public enum Remedy
{
    None,
    /// <summary>Allow replacing an existing output.</summary>
    Overwrite,
    /// <summary>Point at a model on disk (a folder holding vae/ and vocoder/).</summary>
    ChooseModel,
    /// <summary>Run on the CPU execution provider.</summary>
    UseCpu,
    /// <summary>Ask for a shorter part of the input (a start offset and a duration).</summary>
    ChooseExcerpt,
    /// <summary>The start offset of the excerpt is wrong.</summary>
    FixOffset,
    /// <summary>The duration of the excerpt is wrong.</summary>
    FixDuration,
    /// <summary>The common sample rate asked for is wrong.</summary>
    FixRate,
    /// <summary>Accept an input shorter than its header declares and use what is there.</summary>
    AllowTruncated,
    /// <summary>Point at a weights file on disk (an embedding network's published checkpoint).</summary>
    ChooseWeights,
}

/// <summary>Base of every error LatentAudio raises on purpose. Its message is one line meant for a user.</summary>
public class LatentAudioException : Exception
{
    public LatentAudioException(string message) : base(message) { }
    public LatentAudioException(string message, Exception inner) : base(message, inner) { }

    /// <summary>What the user can do about it; front-ends phrase it in their own terms.</summary>
    public Remedy Remedy { get; init; }
}

/// <summary>
/// The input (a file, an argument, a model folder) is wrong: missing, malformed, unsupported.
/// The CLI maps it to exit code 2. Parsers throw only this for bad bytes; anything else is a bug.
/// </summary>
public class InvalidInputException : LatentAudioException
{
    public InvalidInputException(string message) : base(message) { }
    public InvalidInputException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Builds the conventional "FILE: what is wrong" message.</summary>
    public static InvalidInputException ForFile(string path, string problem) => new($"{path}: {problem}");
}
