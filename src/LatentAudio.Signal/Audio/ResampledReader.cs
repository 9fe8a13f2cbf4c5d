using LatentAudio.Dsp;

namespace LatentAudio.Audio;

/// <summary>
/// A file decoded block by block, brought to a channel mode and a target rate on the way: the streaming equivalent
/// of <c>AudioFile.Read(path, offset, seconds).Split(mode)</c>, each part resampled (what
/// the model front-end's <c>ModelChannels</c> does), sample for sample, in memory bounded by the block size. Used
/// for inputs too long to hold (an hour of 44.1 kHz stereo is 1.3 GB as float32) by <c>reconstruct</c> and the codec.
/// </summary>
public sealed class ResampledReader : IDisposable
{
    private const int BlockFrames = 4096;
    private readonly IAudioReader _reader;
    private readonly string _name;
    private readonly long? _want;
    private readonly ChannelMode _mode;
    private readonly long _skip;
    private readonly Resampler _design;
    private readonly StreamingResampler[] _resamplers;
    private readonly float[] _interleaved;
    private readonly float[] _mono;
    private long _sourceFrames;
    private bool _sourceDone;

    /// <summary>
    /// Reads <paramref name="reader"/> (and disposes it) from where it stands, at most <paramref name="frames"/>
    /// frames (to the end when null). <paramref name="skipped"/> is how many frames were skipped before, for
    /// <see cref="ExpectedFrames"/>.
    /// </summary>
    public ResampledReader(IAudioReader reader, string name, long? frames, int targetRate, ChannelMode mode, long skipped = 0)
    {
        _reader = reader;
        _name = name;
        _want = frames;
        _mode = mode;
        _skip = skipped;
        SourceFormat = reader.Format;
        SampleRate = targetRate;
        int sourceChannels = SourceFormat.Channels;
        Channels = mode == ChannelMode.Each ? sourceChannels : 1;
        _design = new Resampler(SourceFormat.SampleRate, targetRate);
        // Mix and First resample one stream: the channels are combined first, as AudioBuffer.Split does.
        _resamplers = Enumerable.Range(0, Channels).Select(_ => new StreamingResampler(_design)).ToArray();
        // Frames per read shrink with the channel count, as in AudioFile.ReadAll.
        int blockFrames = Math.Clamp((1 << 18) / sourceChannels, 1, BlockFrames);
        _interleaved = new float[blockFrames * sourceChannels];
        _mono = new float[blockFrames];
    }

    /// <summary>Opens <paramref name="path"/> at [offset, offset + seconds) (to the end when seconds is null).</summary>
    public static ResampledReader Open(string path, double offsetSeconds, double? seconds, int targetRate, ChannelMode mode, AudioReadOptions? options = null)
    {
        var reader = AudioFile.OpenReader(path, options);
        try
        {
            long? want = AudioWindowStart.SkipTo(reader, path, offsetSeconds, seconds);
            return new ResampledReader(reader, path, want, targetRate, mode, (long)Math.Round(offsetSeconds * reader.Format.SampleRate));
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    public AudioFormatInfo SourceFormat { get; }

    /// <summary>Output channels: the source's for Each, one for First and Mix.</summary>
    public int Channels { get; }

    public int SampleRate { get; }

    /// <summary>Source frames decoded so far (all of the window once <see cref="Read"/> has returned 0).</summary>
    public long SourceFrames => _sourceFrames;

    /// <summary>
    /// The output length the header promises (the window's frames resampled), or null when the decoder does not
    /// know its length. A promise only: lossy formats' headers can be wrong, the frames really read decide.
    /// </summary>
    public long? ExpectedFrames
    {
        get
        {
            long? available = SourceFormat.TotalFrames is long t ? Math.Max(0, t - _skip) : null;
            long? frames = _want is long w ? Math.Min(w, available ?? w) : available;
            return frames is long f ? _design.OutputLength(f) : null;
        }
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> frames into <c>destination[c][offset..]</c> for every output channel;
    /// returns the frames read, 0 at the end. NaN/Inf samples are refused as <see cref="AudioBuffer.EnsureFinite"/> does.
    /// </summary>
    public int Read(IReadOnlyList<float[]> destination, int offset, int count)
    {
        count = Math.Min(count, BlockFrames);
        while (true)
        {
            int ready = _resamplers[0].Pull(destination[0].AsSpan(offset, count));
            for (int c = 1; c < Channels; c++)
                if (_resamplers[c].Pull(destination[c].AsSpan(offset, ready)) != ready) throw new InvalidOperationException("channels out of step");
            if (ready > 0) return ready;
            if (_sourceDone) return 0;
            Feed();
        }
    }

    private void Feed()
    {
        int ch = SourceFormat.Channels;
        int frames = _interleaved.Length / ch;
        if (_want is long w) frames = (int)Math.Min(frames, w - _sourceFrames);
        int got = frames > 0 ? _reader.Read(_interleaved.AsSpan(0, frames * ch)) : 0;
        if (got == 0)
        {
            if (_sourceFrames == 0) throw InvalidInputException.ForFile(_name, "contains no audio samples (or none after the start offset)");
            _sourceDone = true;
            foreach (var r in _resamplers) r.Complete();
            return;
        }
        var block = _interleaved.AsSpan(0, got * ch);
        for (int i = 0; i < block.Length; i++)
            if (!float.IsFinite(block[i]))
                throw InvalidInputException.ForFile(_name, $"sample {_sourceFrames + i / ch} of channel {i % ch} is {block[i]} (NaN/Inf samples are not audio)");
        var mono = _mono.AsSpan(0, got);
        for (int s = 0; s < _resamplers.Length; s++)
        {
            if (_mode == ChannelMode.Mix && ch > 1)
            {
                // AudioBuffer.MixDown: a float64 sum in channel order, times 1/channels, rounded once.
                double inv = 1.0 / ch;
                for (int i = 0; i < got; i++)
                {
                    double sum = 0;
                    for (int c = 0; c < ch; c++) sum += block[i * ch + c];
                    mono[i] = (float)(sum * inv);
                }
            }
            else
            {
                int c = _mode == ChannelMode.Each ? s : 0;
                for (int i = 0; i < got; i++) mono[i] = block[i * ch + c];
            }
            _resamplers[s].Push(mono);
        }
        _sourceFrames += got;
    }

    public void Dispose() => _reader.Dispose();
}
