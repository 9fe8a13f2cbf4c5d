using NLayer;

namespace LatentAudio.Audio;

/// <summary>
/// MPEG-1/2/2.5 audio (Layer III, and Layers I/II) through NLayer, the managed decoder of the NAudio project.
/// NLayer 3.0.1 returns every decoded sample, so the encoder delay and end padding announced by a LAME/Info tag are
/// trimmed here (<see cref="Mp3GaplessInfo"/>), which makes the output sample-aligned with what was encoded.
/// Skip decodes and drops (NLayer's
/// own seek restarts at a frame boundary without the bit reservoir, so it is not sample-exact). Every exception of
/// the decoder is reported as <see cref="InvalidInputException"/>.
/// </summary>
public sealed class Mp3Reader : IAudioReader
{
    private readonly Stream _stream;
    private readonly MpegFile _mpeg;
    private readonly string _name;
    private float[] _scratch = [];
    private long _primingLeft;       // decoded frames still to drop at the start
    private long _framesLeft;        // frames still to deliver (long.MaxValue when the tag does not say)

    public AudioFormatInfo Format { get; }

    private Mp3Reader(Stream stream, MpegFile mpeg, string name, AudioFormatInfo format, Mp3GaplessInfo? gapless)
    {
        _stream = stream; _mpeg = mpeg; _name = name; Format = format;
        _primingLeft = gapless is null ? 0 : gapless.Delay + Mp3GaplessInfo.DecoderDelay;
        _framesLeft = gapless?.TotalSamples ?? long.MaxValue;
    }

    /// <summary>A plausible MPEG audio frame header (ISO 11172-3 §2.4.2.3): sync, no reserved version/layer/rate codes.</summary>
    public static bool LooksLikeMpegFrame(ReadOnlySpan<byte> h) =>
        h.Length >= 4 && h[0] == 0xFF && (h[1] & 0xE0) == 0xE0
        && ((h[1] >> 3) & 3) != 1 && ((h[1] >> 1) & 3) != 0
        && (h[2] >> 4) != 15 && ((h[2] >> 2) & 3) != 3;

    /// <summary>Opens the decoder; the stream is owned by the reader from then on.</summary>
    public static Mp3Reader Open(Stream stream, string name, long firstFrameOffset)
    {
        try
        {
            var gapless = Mp3GaplessInfo.Read(stream, firstFrameOffset);
            // NLayer sizes its buffers from size fields before it checks them against the stream: shown clamped.
            var claims = Mp3SizeClaims.Find(stream);
            var mpeg = new MpegFile(claims.Count == 0 ? stream : new PatchedReadStream(stream, claims));
            int rate = mpeg.SampleRate, channels = mpeg.Channels;
            if (rate <= 0 || channels <= 0) throw InvalidInputException.ForFile(name, "MPEG audio stream has no valid frame");
            long bytes = mpeg.Length;
            long? frames = gapless?.TotalSamples ?? (bytes > 0 ? bytes / sizeof(float) / channels : null);
            return new Mp3Reader(stream, mpeg, name, new AudioFormatInfo("MP3", rate, channels, frames, null), gapless);
        }
        catch (Exception e) when (e is not InvalidInputException)
        {
            throw Wrap(name, e);
        }
    }

    public int Read(Span<float> destination)
    {
        int ch = Format.Channels;
        while (_primingLeft > 0)
        {
            int n = ReadDecoded(destination[..((int)Math.Min(destination.Length / ch, _primingLeft) * ch)]);
            if (n == 0) return 0;
            _primingLeft -= n;
        }
        int frames = ReadDecoded(destination[..((int)Math.Min(destination.Length / ch, _framesLeft) * ch)]);
        _framesLeft -= frames;
        return frames;
    }

    private int ReadDecoded(Span<float> destination) =>
        LibraryDecoderReads.ReadFrames(_mpeg.ReadSamples, destination, Format.Channels, ref _scratch, e => Wrap(_name, e));

    public void Skip(long frames)
    {
        this.SkipByDecoding(frames);
    }

    private static InvalidInputException Wrap(string name, Exception e) =>
        InvalidInputException.ForFile(name, $"MP3 decoding failed ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")})");

    public void Dispose()
    {
        _mpeg.Dispose();
        _stream.Dispose();
    }

    public override string ToString() => $"{_name} (MP3)";
}
