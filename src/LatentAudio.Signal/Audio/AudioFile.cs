namespace LatentAudio.Audio;

/// <summary>The front door for audio files: checks the path, sniffs the format from the first bytes, decodes.</summary>
public static class AudioFile
{
    /// <summary>Extensions that folder inputs are searched for.</summary>
    public static readonly string[] KnownExtensions = [".wav", ".wave", ".flac", ".mp3", ".ogg", ".oga"];

    /// <summary>
    /// Opens a streaming decoder for <paramref name="path"/>; the format is taken from the content, not the extension.
    /// A file shorter than its header declares is refused when the reader reaches its end
    /// (<see cref="TruncatedAudioException"/>) unless <paramref name="options"/> allow it.
    /// </summary>
    public static IAudioReader OpenReader(string path, AudioReadOptions? options = null)
    {
        if (Directory.Exists(path)) throw InvalidInputException.ForFile(path, "is a directory, not an audio file");
        if (!File.Exists(path)) throw InvalidInputException.ForFile(path, "no such file");
        FileStream stream;
        try { stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw InvalidInputException.ForFile(path, $"cannot be opened ({e.Message})"); }
        try { return OpenReader(stream, path, options); }
        catch { stream.Dispose(); throw; }
    }

    /// <summary>Opens a decoder over a seekable stream (owned by the reader from then on); truncation as for a path.</summary>
    public static IAudioReader OpenReader(Stream stream, string name, AudioReadOptions? options = null)
    {
        if (stream.Length == 0) throw InvalidInputException.ForFile(name, "is empty");
        Span<byte> head = stackalloc byte[12];
        int n = stream.Read(head);
        stream.Position = 0;
        head = head[..n];
        var reader = WavReader.LooksLikeWav(head) ? WavReader.Open(stream, name) : AudioDecoders.Open(stream, name, head);
        return new TruncationCheckReader(reader, name, options ?? AudioReadOptions.Strict);
    }

    /// <summary>
    /// Reads a window of a file. Only the asked window is decoded into memory (a 2-hour file is not loaded whole
    /// for a 10 s window); <paramref name="seconds"/> null means "to the end".
    /// </summary>
    public static AudioBuffer Read(string path, double offsetSeconds = 0, double? seconds = null, AudioReadOptions? options = null)
    {
        if (offsetSeconds < 0 || double.IsNaN(offsetSeconds)) throw new InvalidInputException($"the start offset must be >= 0 s (got {offsetSeconds})") { Remedy = Remedy.FixOffset };
        if (seconds is double s && (s <= 0 || double.IsNaN(s))) throw new InvalidInputException($"the duration must be > 0 s (got {s})") { Remedy = Remedy.FixDuration };
        using var reader = OpenReader(path, options);
        var buffer = ReadAll(reader, path, offsetSeconds, seconds);
        buffer.EnsureFinite(path);
        return buffer;
    }


    public static AudioBuffer ReadAll(IAudioReader reader, string name, double offsetSeconds = 0, double? seconds = null)
    {
        var fmt = reader.Format;
        long skip = (long)Math.Round(offsetSeconds * fmt.SampleRate);
        long? want = AudioWindowStart.SkipTo(reader, name, offsetSeconds, seconds);

        int ch = fmt.Channels;
        long cap = want ?? (fmt.TotalFrames is long t ? Math.Max(0, t - skip) : 1 << 20);
        if ((cap * ch) > Array.MaxLength) throw new InvalidInputException($"{name}: is too long to load at once; ask for an excerpt") { Remedy = Remedy.ChooseExcerpt };
        // A header's length (e.g. an MP3's Xing frame count) is a claim, not bytes present: start at most 4 M samples
        // and grow as audio really arrives (a 1.5 KB file claiming 2^28 frames made 1 GB; fuzzing, issue 8).
        cap = Math.Min(cap, Math.Max(1, (1 << 22) / ch));
        var planar = new float[ch][];
        for (int c = 0; c < ch; c++) planar[c] = new float[Math.Max(cap, 0)];
        // Frames per read shrink with the channel count: a tiny file may claim 65535 channels (fuzzing, issue 8).
        int chunkFrames = Math.Clamp((1 << 18) / ch, 1, 4096);
        var chunk = new float[chunkFrames * ch];
        long frames = 0;
        while (want is null || frames < want)
        {
            int ask = (int)Math.Min(chunkFrames, want is long w ? w - frames : chunkFrames);
            int got = reader.Read(chunk.AsSpan(0, ask * ch));
            if (got == 0) break;
            if (frames + got > planar[0].Length)
            {
                long grow = Math.Max(planar[0].Length * 2L, frames + got);
                if (grow * ch > Array.MaxLength) throw new InvalidInputException($"{name}: is too long to load at once; ask for an excerpt") { Remedy = Remedy.ChooseExcerpt };
                for (int c = 0; c < ch; c++) Array.Resize(ref planar[c], (int)grow);
            }
            for (int i = 0; i < got; i++)
                for (int c = 0; c < ch; c++) planar[c][frames + i] = chunk[i * ch + c];
            frames += got;
        }
        if (frames == 0) throw InvalidInputException.ForFile(name, skip > 0 ? "no audio after the start offset" : "contains no audio samples");
        for (int c = 0; c < ch; c++) if (planar[c].Length != frames) Array.Resize(ref planar[c], (int)frames);
        return new AudioBuffer(planar, fmt.SampleRate);
    }
}
