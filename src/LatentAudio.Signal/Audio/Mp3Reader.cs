using NLayer;

namespace LatentAudio.Audio;

/// <summary>
/// MPEG-1/2/2.5 audio (Layer III, and Layers I/II) through NLayer, the managed decoder of the NAudio project.
/// Priming and padding are dropped as LAME's own decoder drops them (<see cref="Mp3GaplessInfo"/>: the tag's encoder
/// delay + 529 at the start, padding − 529 at the end; 529 alone without a tag), so a LAME- or FFmpeg-made file
/// decodes sample-aligned with <c>lame --decode</c> and as long. NLayer's own partial trimming is switched off by
/// showing it the tag's fields as zero. Skip decodes and drops (NLayer's own seek restarts at a frame boundary
/// without the bit reservoir, so it is not sample-exact). The decoder's exceptions for damaged data are reported as
/// <see cref="InvalidInputException"/>; faults of our own code and I/O errors surface as they are (<see cref="DecoderLibrary"/>).
/// </summary>
public sealed class Mp3Reader : IAudioReader
{
    private readonly Stream _stream;
    private readonly MpegFile _mpeg;
    private readonly string _name;
    private float[] _scratch = [];
    private long _primingLeft;       // decoded frames still to drop at the start
    private long _framesLeft;        // frames still to deliver (long.MaxValue when the tag does not say)
    private readonly int _holdBack;  // decoded frames always kept back from the end (the padding after the decoder's delay)
    private float[] _pending = [];   // decoded frames not yet delivered: [_pendingStart, _pendingStart + _pendingFrames)
    private int _pendingStart, _pendingFrames;
    private bool _decoderDone;

    public AudioFormatInfo Format { get; }

    private Mp3Reader(Stream stream, MpegFile mpeg, string name, AudioFormatInfo format, Mp3GaplessInfo gapless)
    {
        _stream = stream; _mpeg = mpeg; _name = name; Format = format;
        _primingLeft = gapless.SkipStart;
        _holdBack = gapless.SkipEnd;
        _framesLeft = gapless.TotalSamples ?? long.MaxValue;
    }

    /// <summary>A plausible MPEG audio frame header (ISO 11172-3 §2.4.2.3): sync, no reserved version/layer/rate codes.</summary>
    public static bool LooksLikeMpegFrame(ReadOnlySpan<byte> h) =>
        h.Length >= 4 && h[0] == 0xFF && (h[1] & 0xE0) == 0xE0
        && ((h[1] >> 3) & 3) != 1 && ((h[1] >> 1) & 3) != 0
        && (h[2] >> 4) != 15 && ((h[2] >> 2) & 3) != 3;

    /// <summary>Opens the decoder; the stream is owned by the reader from then on.</summary>
    public static Mp3Reader Open(Stream stream, string name, long firstFrameOffset)
    {
        // Our own parsing runs outside the library's error translation: a fault of ours is a bug, not bad input.
        var gapless = Mp3GaplessInfo.Read(stream, firstFrameOffset);
        // NLayer sizes its buffers from size fields before it checks them against the stream: shown clamped.
        // It would also trim by the gapless fields itself (not as LAME does): shown as zero.
        var patches = Mp3SizeClaims.Find(stream);
        patches.AddRange(gapless.HideFromNLayer);
        var fed = DecoderLibrary.Feed(patches.Count == 0 ? stream : new PatchedReadStream(stream, patches));
        var (mpeg, rate, channels, bytes) = DecoderLibrary.Call(() =>
        {
            var m = new MpegFile(fed);
            return (m, m.SampleRate, m.Channels, m.Length);   // Length: every decoded sample, NLayer trims nothing now
        }, e => Wrap(name, e));
        if (rate <= 0 || channels <= 0)
        {
            mpeg.Dispose();
            throw InvalidInputException.ForFile(name, "MPEG audio stream has no valid frame");
        }
        long? frames = gapless.TotalSamples
            ?? (bytes > 0 ? Math.Max(0, bytes / sizeof(float) / channels - gapless.SkipStart - gapless.SkipEnd) : null);
        var format = new AudioFormatInfo("MP3", rate, channels, frames, null) { DeclaredFrames = gapless.ExactLength ? gapless.TotalSamples : null };
        return new Mp3Reader(stream, mpeg, name, format, gapless);
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
        int want = (int)Math.Min(destination.Length / ch, _framesLeft);
        if (want <= 0) return 0;
        int frames;
        if (_holdBack == 0)
        {
            frames = ReadDecoded(destination[..(want * ch)]);
        }
        else
        {
            // LAME keeps the last padding − 529 decoded samples back wherever the stream ends (get_audio.c's pcm buffer),
            // so a stream shorter or longer than its tag's frame count loses its padding all the same.
            FillPending(want + _holdBack);
            frames = Math.Min(want, Math.Max(0, _pendingFrames - _holdBack));
            _pending.AsSpan(_pendingStart * ch, frames * ch).CopyTo(destination);
            _pendingStart += frames; _pendingFrames -= frames;
        }
        _framesLeft -= frames;
        return frames;
    }

    /// <summary>Decodes until <paramref name="frames"/> frames are pending or the decoder has nothing more.</summary>
    private void FillPending(int frames)
    {
        int ch = Format.Channels;
        if (_pending.Length < frames * ch) Array.Resize(ref _pending, frames * ch);
        _pending.AsSpan(_pendingStart * ch, _pendingFrames * ch).CopyTo(_pending);
        _pendingStart = 0;
        while (!_decoderDone && _pendingFrames < frames)
        {
            int n = ReadDecoded(_pending.AsSpan(_pendingFrames * ch, (frames - _pendingFrames) * ch));
            if (n == 0) _decoderDone = true;
            _pendingFrames += n;
        }
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
