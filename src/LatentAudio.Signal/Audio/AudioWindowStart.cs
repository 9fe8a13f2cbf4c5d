namespace LatentAudio.Audio;

/// <summary>Checks an excerpt (start offset, duration) against a reader and moves the reader to its start.</summary>
internal static class AudioWindowStart
{
    /// <summary>Skips to the window's first frame; returns the frames wanted (null: to the end).</summary>
    public static long? SkipTo(IAudioReader reader, string name, double offsetSeconds, double? seconds)
    {
        if (offsetSeconds < 0 || double.IsNaN(offsetSeconds)) throw new InvalidInputException($"the start offset must be >= 0 s (got {offsetSeconds})") { Remedy = Remedy.FixOffset };
        if (seconds is double s0 && (s0 <= 0 || double.IsNaN(s0))) throw new InvalidInputException($"the duration must be > 0 s (got {s0})") { Remedy = Remedy.FixDuration };
        var fmt = reader.Format;
        long skip = (long)Math.Round(offsetSeconds * fmt.SampleRate);
        if (fmt.TotalFrames is long total && skip >= total && total > 0)
            throw new InvalidInputException($"{name}: the start offset {offsetSeconds} s is past the end ({(double)total / fmt.SampleRate:0.###} s)") { Remedy = Remedy.FixOffset };
        if (skip > 0) reader.Skip(skip);
        return seconds is double s ? (long)Math.Round(s * fmt.SampleRate) : null;
    }
}
