namespace LatentAudio.Audio;

/// <summary>Level statistics of a file or a window of it, measured while streaming (a 2-hour file is never held whole).</summary>
public sealed record AudioStats(long Frames, int SampleRate, float Peak, double Rms)
{
    public double DurationSeconds => (double)Frames / SampleRate;

    /// <summary>
    /// Reads [offset, offset + seconds) of <paramref name="reader"/> (to the end when seconds is null) in blocks,
    /// keeping only running sums. NaN/Inf samples are rejected as <see cref="AudioBuffer.EnsureFinite"/> does.
    /// </summary>
    public static AudioStats Measure(IAudioReader reader, string name, double offsetSeconds = 0, double? seconds = null)
    {
        var fmt = reader.Format;
        long? want = AudioWindowStart.SkipTo(reader, name, offsetSeconds, seconds);

        int ch = fmt.Channels;
        var chunk = new float[4096 * ch];
        long frames = 0;
        float peak = 0;
        double sumSquares = 0;
        while (want is null || frames < want)
        {
            int ask = (int)Math.Min(4096, want is long w ? w - frames : 4096);
            int got = reader.Read(chunk.AsSpan(0, ask * ch));
            if (got == 0) break;
            var block = chunk.AsSpan(0, got * ch);
            for (int i = 0; i < block.Length; i++)
            {
                float v = block[i];
                if (!float.IsFinite(v))
                    throw InvalidInputException.ForFile(name, $"sample {frames + i / ch} of channel {i % ch} is {v} (NaN/Inf samples are not audio)");
                peak = Math.Max(peak, Math.Abs(v));
                sumSquares += (double)v * v;
            }
            frames += got;
        }
        if (frames == 0) throw InvalidInputException.ForFile(name, offsetSeconds > 0 ? "no audio after the start offset" : "contains no audio samples");
        return new AudioStats(frames, fmt.SampleRate, peak, Math.Sqrt(sumSquares / (frames * (double)ch)));
    }
}
