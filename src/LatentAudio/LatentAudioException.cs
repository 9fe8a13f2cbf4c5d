namespace LatentAudio;

/// <summary>Base of every error LatentAudio raises on purpose. Its message is one line meant for a user.</summary>
public class LatentAudioException : Exception
{
    public LatentAudioException(string message) : base(message) { }
    public LatentAudioException(string message, Exception inner) : base(message, inner) { }
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
