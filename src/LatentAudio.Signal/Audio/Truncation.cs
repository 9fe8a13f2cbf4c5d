using System.Globalization;

namespace LatentAudio.Audio;

/// <summary>How audio files are read: what a front-end decides for every reader it opens.</summary>
public sealed record AudioReadOptions
{
    /// <summary>The default: a truncated input is refused.</summary>
    public static AudioReadOptions Strict { get; } = new();

    /// <summary>Read a truncated input as far as it goes instead of refusing it.</summary>
    public bool AllowTruncated { get; init; }

    /// <summary>Told of each truncated input read because <see cref="AllowTruncated"/> is set (once per reader).</summary>
    public Action<AudioTruncation>? Truncated { get; init; }
}

/// <summary>
/// An input that ends before its header says it does: <paramref name="DeclaredFrames"/> (null when the format
/// declares no length but marks its end, as Ogg's end-of-stream page does) against the frames actually there.
/// </summary>
public sealed record AudioTruncation(string Name, int SampleRate, long? DeclaredFrames, long ActualFrames, bool ActualIsUpperBound, string? Reason)
{
    /// <summary>"NAME is truncated: the header declares N frames (X s) but the file holds M frames (Y s)".</summary>
    public string Describe()
    {
        string actual = $"{(ActualIsUpperBound ? "at most " : "")}{Frames(ActualFrames)}";
        return DeclaredFrames is long d
            ? $"{Name}: is truncated: the header declares {Frames(d)} but the file holds {actual}"
            : $"{Name}: is truncated: {Reason ?? "the stream ends early"} after {actual}; its length is not declared";
    }

    private string Frames(long n) => string.Create(CultureInfo.InvariantCulture, $"{n} frames ({(double)n / SampleRate:0.###} s)");
}

/// <summary>An input shorter than its header declares (refused unless <see cref="AudioReadOptions.AllowTruncated"/>).</summary>
public sealed class TruncatedAudioException : InvalidInputException
{
    public TruncatedAudioException(AudioTruncation truncation) : base(truncation.Describe())
    {
        Truncation = truncation;
        Remedy = Remedy.AllowTruncated;
    }

    public AudioTruncation Truncation { get; }
}

/// <summary>A reader whose stream can end short of its own end mark without a declared length to compare with.</summary>
internal interface IStreamEndCheck
{
    /// <summary>Once the reader returned 0: why its stream was cut short, or null when it ended where it should.</summary>
    string? CutShort { get; }
}

/// <summary>
/// The one truncation rule, around every reader <see cref="AudioFile.OpenReader(Stream, string, AudioReadOptions?)"/>
/// opens: when the decoder runs out before <see cref="AudioFormatInfo.DeclaredFrames"/> (or before its own end mark,
/// <see cref="IStreamEndCheck"/>), the input is truncated. Checked where the reader ends, so a window inside the part
/// that is there reads as usual.
/// </summary>
internal sealed class TruncationCheckReader(IAudioReader inner, string name, AudioReadOptions options) : IAudioReader
{
    private long _position;
    private bool _afterSkip, _reported;

    public AudioFormatInfo Format => inner.Format;

    public int Read(Span<float> destination)
    {
        int got = inner.Read(destination);
        if (got > 0)
        {
            _position += got;
            _afterSkip = false;
            return got;
        }
        if (destination.Length >= Format.Channels && !_reported && Check() is { } truncation)
        {
            if (!options.AllowTruncated) throw new TruncatedAudioException(truncation);
            _reported = true;
            options.Truncated?.Invoke(truncation);
        }
        return 0;
    }

    private AudioTruncation? Check()
    {
        var f = Format;
        string? cut = (inner as IStreamEndCheck)?.CutShort;
        if (f.DeclaredFrames is long declared && _position < declared)
            return new AudioTruncation(name, f.SampleRate, declared, _position, _afterSkip, cut);
        if (cut is not null && f.DeclaredFrames is null)
            return new AudioTruncation(name, f.SampleRate, null, _position, _afterSkip, cut);
        return null;
    }

    public void Skip(long frames)
    {
        inner.Skip(frames);
        if (frames <= 0) return;
        _position += frames;
        _afterSkip = true;   // a skip past the end is not seen: the length is then known only as at most this
    }

    public void Dispose() => inner.Dispose();

    public override string ToString() => inner.ToString() ?? name;
}
