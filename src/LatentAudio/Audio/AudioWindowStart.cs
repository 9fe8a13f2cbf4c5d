namespace LatentAudio.Audio;

/// <summary>Checks an --offset/--seconds window against a reader and moves the reader to its start.</summary>
internal static class AudioWindowStart
{
    /// <summary>Skips to the window's first frame; returns the frames wanted (null: to the end).</summary>
    public static long? SkipTo(IAudioReader reader, string name, double offsetSeconds, double? seconds)
    {
        if (offsetSeconds < 0 || double.IsNaN(offsetSeconds)) throw new InvalidInputException($"--offset must be >= 0 (got {offsetSeconds})");
        if (seconds is double s0 && (s0 <= 0 || double.IsNaN(s0))) throw new InvalidInputException($"--seconds must be > 0 (got {s0})");
        var fmt = reader.Format;
        long skip = (long)Math.Round(offsetSeconds * fmt.SampleRate);
        if (fmt.TotalFrames is long total && skip >= total && total > 0)
            throw InvalidInputException.ForFile(name, $"--offset {offsetSeconds} s is past the end ({(double)total / fmt.SampleRate:0.###} s)");
        if (skip > 0) reader.Skip(skip);
        return seconds is double s ? (long)Math.Round(s * fmt.SampleRate) : null;
    }
}
