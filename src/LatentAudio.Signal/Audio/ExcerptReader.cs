namespace LatentAudio.Audio;

/// <summary>
/// A reader limited to [offset, offset + seconds) of another (to its end when seconds is null): what a source with
/// a start offset and a duration looks like to the streaming engine, which re-opens its input once per pass.
/// </summary>
public sealed class ExcerptReader : IAudioReader
{
    private readonly IAudioReader _inner;
    private readonly long? _want;
    private long _read;

    private ExcerptReader(IAudioReader inner, long skipped, long? want)
    {
        _inner = inner;
        _want = want;
        var f = inner.Format;
        long? available = f.TotalFrames is long t ? Math.Max(0, t - skipped) : null;
        long? frames = want is long w ? Math.Min(w, available ?? w) : available;
        Format = f with { TotalFrames = frames };
    }

    /// <summary>Opens <paramref name="path"/> at [offset, offset + seconds); takes care of the reader on failure.</summary>
    public static IAudioReader Open(string path, double offsetSeconds = 0, double? seconds = null, AudioReadOptions? options = null)
    {
        var reader = AudioFile.OpenReader(path, options);
        try
        {
            if (offsetSeconds == 0 && seconds is null) return reader;
            long? want = AudioWindowStart.SkipTo(reader, path, offsetSeconds, seconds);
            return new ExcerptReader(reader, (long)Math.Round(offsetSeconds * reader.Format.SampleRate), want);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public AudioFormatInfo Format { get; }

    public int Read(Span<float> destination)
    {
        int ch = Format.Channels;
        if (_want is long w)
        {
            long left = w - _read;
            if (left <= 0) return 0;
            if (destination.Length / ch > left) destination = destination[..(int)(left * ch)];
        }
        int got = _inner.Read(destination);
        _read += got;
        return got;
    }

    public void Skip(long frames)
    {
        if (_want is long w) frames = Math.Min(frames, Math.Max(0, w - _read));
        _inner.Skip(frames);
        _read += frames;
    }

    public void Dispose() => _inner.Dispose();
}

/// <summary>An input to the streaming engine: a name for messages and a way to (re-)open it from its start.</summary>
public sealed record AudioSource(string Name, Func<IAudioReader> Open)
{
    /// <summary>A file (WAV, FLAC, MP3, Ogg Vorbis), or the window [offset, offset + seconds) of it.</summary>
    public static AudioSource File(string path, double offsetSeconds = 0, double? seconds = null, AudioReadOptions? options = null) =>
        new(path, () => ExcerptReader.Open(path, offsetSeconds, seconds, options));

    /// <summary>A signal held in memory.</summary>
    public static AudioSource Memory(AudioBuffer audio, string name = "memory") => new(name, () => new BufferAudioReader(audio));
}
