namespace LatentAudio.Audio;

/// <summary>What a decoder learnt from a file's header.</summary>
public sealed record AudioFormatInfo(
    string Codec,
    int SampleRate,
    int Channels,
    /// <summary>Frames (samples per channel), or null when the container does not say.</summary>
    long? TotalFrames,
    /// <summary>Bits per sample of the stored data, or null for lossy codecs.</summary>
    int? BitsPerSample)
{
    public double? DurationSeconds => TotalFrames is long n ? (double)n / SampleRate : null;

    /// <summary>
    /// The length the header claims independently of the bytes present (a WAV data chunk's size, FLAC's STREAMINFO
    /// total, an MP3 Info/Xing frame count with LAME's delay and padding), or null when it claims none. Fewer frames
    /// decoded than this means the file was cut short (<see cref="TruncatedAudioException"/>).
    /// </summary>
    public long? DeclaredFrames { get; init; }
}

/// <summary>
/// A streaming decoder: frames come out in order, interleaved, as float32 at nominal [-1, 1] scale.
/// Implementations throw <see cref="InvalidInputException"/> for malformed data, never anything else.
/// </summary>
public interface IAudioReader : IDisposable
{
    AudioFormatInfo Format { get; }

    /// <summary>Decodes up to <c>destination.Length / Channels</c> frames; returns the frames written (0 at the end).</summary>
    int Read(Span<float> destination);

    /// <summary>Skips <paramref name="frames"/> frames; seeks where the format allows it, else decodes and drops.</summary>
    void Skip(long frames);
}
