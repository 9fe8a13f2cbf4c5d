namespace LatentAudio.Audio;

/// <summary>
/// Ogg Vorbis through NVorbis. Samples are not clipped (a lossy decode may overshoot ±1 a little; clipping here
/// would add distortion the source never had). Skip decodes and drops. The decoder's exceptions for damaged data are
/// reported as <see cref="InvalidInputException"/>; faults of our own code and I/O errors surface as they are
/// (<see cref="DecoderLibrary"/>).
/// </summary>
public sealed class OggVorbisReader : IAudioReader, IStreamEndCheck
{
    private readonly NVorbis.VorbisReader _vorbis;
    private readonly string _name;
    private readonly bool _endMarked;
    private float[] _scratch = [];

    public AudioFormatInfo Format { get; }

    private OggVorbisReader(NVorbis.VorbisReader vorbis, string name, AudioFormatInfo format, bool endMarked)
    {
        _vorbis = vorbis; _name = name; Format = format; _endMarked = endMarked;
    }

    /// <summary>
    /// An Ogg stream declares no length up front (the last page's granule position is wherever the file now ends), but
    /// its last page carries the end-of-stream flag (RFC 3533 §6): a file whose last complete page lacks it was cut.
    /// </summary>
    public string? CutShort => _endMarked ? null : "the stream stops without its end-of-stream page";

    /// <summary>What the first Ogg page carries, from the start of its first packet (Ogg spec, RFC 3533 §6).</summary>
    public static string? OggCodec(ReadOnlySpan<byte> firstPage)
    {
        if (firstPage.Length < 27 || !firstPage[..4].SequenceEqual("OggS"u8)) return null;
        int packet = 27 + firstPage[26];
        if (firstPage.Length < packet + 8) return "unknown";
        var p = firstPage[packet..];
        if (p[..7].SequenceEqual("\x01vorbis"u8)) return "Vorbis";
        if (p[..8].SequenceEqual("OpusHead"u8)) return "Opus";
        if (p[..5].SequenceEqual("\x7FFLAC"u8)) return "FLAC";
        if (p[..8].SequenceEqual("Speex   "u8)) return "Speex";
        return "unknown";
    }

    /// <summary>Opens the decoder; the stream is owned by the reader from then on.</summary>
    public static OggVorbisReader Open(Stream stream, string name)
    {
        // Our own parsing runs outside the library's error translation: a fault of ours is a bug, not bad input.
        bool endMarked = OggEndOfStream.LastPageIsMarked(stream);
        stream.Position = 0;
        var fed = DecoderLibrary.Feed(new StallGuardStream(stream, name, "Ogg Vorbis"));
        NVorbis.VorbisReader? vorbis = null;
        try
        {
            var (rate, channels, total) = DecoderLibrary.Call(() =>
            {
                vorbis = new NVorbis.VorbisReader(fed, closeOnDispose: true) { ClipSamples = false };
                return (vorbis.SampleRate, vorbis.Channels, vorbis.TotalSamples);
            }, e => Wrap(name, e));
            if (rate <= 0 || channels <= 0) throw InvalidInputException.ForFile(name, "Vorbis header has no valid rate or channel count");
            var format = new AudioFormatInfo("Ogg Vorbis", rate, channels, total > 0 ? total : null, null);
            return new OggVorbisReader(vorbis!, name, format, endMarked);
        }
        catch
        {
            vorbis?.Dispose();
            throw;
        }
    }

    public int Read(Span<float> destination) =>
        LibraryDecoderReads.ReadFrames(_vorbis.ReadSamples, destination, Format.Channels, ref _scratch, e => Wrap(_name, e));

    public void Skip(long frames)
    {
        // Decode and drop: NVorbis 0.10.5's SeekTo lands 128 samples early on FFmpeg/libvorbis files (measured: the
        // samples after SeekTo(t) equal those of a continuous decode at t - 128), so it is not used.
        this.SkipByDecoding(frames);
    }

    private static InvalidInputException Wrap(string name, Exception e) =>
        InvalidInputException.ForFile(name, $"Ogg Vorbis decoding failed ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})");

    public void Dispose() => _vorbis.Dispose();

    public override string ToString() => $"{_name} (Ogg Vorbis)";
}
