namespace LatentAudio.Audio;

/// <summary>The read loop shared by the readers that wrap a managed decoder library (NLayer, NVorbis).</summary>
internal static class LibraryDecoderReads
{
    /// <summary>
    /// Fills <paramref name="destination"/> with whole interleaved frames from <paramref name="readSamples"/>, which may
    /// return any count per call; the library's exceptions for damaged data become the file's
    /// <see cref="InvalidInputException"/>, others surface as they are (<see cref="DecoderLibrary.Translate"/>).
    /// </summary>
    public static int ReadFrames(Func<float[], int, int, int> readSamples, Span<float> destination, int channels,
        ref float[] scratch, Func<Exception, InvalidInputException> wrap)
    {
        int want = destination.Length / channels * channels;
        if (want == 0) return 0;
        if (scratch.Length < want) scratch = new float[want];
        int got = 0;
        try
        {
            while (got < want)
            {
                int n = readSamples(scratch, got, want - got);
                if (n <= 0) break;
                got += n;
            }
        }
        catch (Exception e) { throw DecoderLibrary.Translate(e, wrap); }
        got -= got % channels;
        scratch.AsSpan(0, got).CopyTo(destination);
        return got / channels;
    }
}
