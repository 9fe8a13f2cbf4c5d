using LatentAudio.Dsp;

namespace LatentAudio.Audio;

/// <summary>
/// A file decoded block by block, brought to a target rate and channel mode on the way: the streaming equivalent of
/// <c>Resampler.Resample(AudioFile.Read(path, offset, seconds), rate).Split(mode)</c>, sample for sample, in memory
/// bounded by the block size. Used for inputs too long to hold (an hour of 44.1 kHz stereo is 1.3 GB as float32).
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
    private readonly float[] _planar;
    private readonly float[][] _resampled;
    private long _sourceFrames;
    private bool _sourceDone;

    /// <summary>Opens <paramref name="path"/> at [offset, offset + seconds) (to the end when seconds is null).</summary>
    public ResampledReader(string path, double offsetSeconds, double? seconds, int targetRate, ChannelMode mode)
    {
        _name = path;
        _reader = AudioFile.OpenReader(path);
        try { _want = AudioWindowStart.SkipTo(_reader, path, offsetSeconds, seconds); }
        catch { _reader.Dispose(); throw; }
        _mode = mode;
        SourceFormat = _reader.Format;
        SampleRate = targetRate;
        int sourceChannels = SourceFormat.Channels;
        Channels = mode == ChannelMode.Each ? sourceChannels : 1;
        _skip = (long)Math.Round(offsetSeconds * SourceFormat.SampleRate);
        _design = new Resampler(SourceFormat.SampleRate, targetRate);
        _resamplers = Enumerable.Range(0, mode == ChannelMode.First ? 1 : sourceChannels).Select(_ => new StreamingResampler(_design)).ToArray();
        // Frames per read shrink with the channel count, as in AudioFile.ReadAll.
        int frames = Math.Clamp((1 << 18) / sourceChannels, 1, BlockFrames);
        _interleaved = new float[frames * sourceChannels];
        _planar = new float[frames];
        _resampled = _resamplers.Select(_ => new float[BlockFrames]).ToArray();
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
            int ready = Pull(destination, offset, count);
            if (ready > 0) return ready;
            if (_sourceDone) return 0;
            Feed();
        }
    }

    private int Pull(IReadOnlyList<float[]> destination, int offset, int count)
    {
        int got = _resamplers[0].Pull(_resampled[0].AsSpan(0, count));
        for (int r = 1; r < _resamplers.Length; r++)
            if (_resamplers[r].Pull(_resampled[r].AsSpan(0, got)) != got) throw new InvalidOperationException("channels out of step");
        if (got == 0) return 0;
        if (_mode == ChannelMode.Mix && _resamplers.Length > 1)
        {
            // As AudioBuffer.MixDown: float64 sum over channels, times 1/channels.
            double inv = 1.0 / _resamplers.Length;
            for (int i = 0; i < got; i++)
            {
                double s = 0;
                for (int r = 0; r < _resamplers.Length; r++) s += _resampled[r][i];
                destination[0][offset + i] = (float)(s * inv);
            }
        }
        else
        {
            for (int c = 0; c < Channels; c++) _resampled[c].AsSpan(0, got).CopyTo(destination[c].AsSpan(offset));
        }
        return got;
    }

    private void Feed()
    {
        int ch = SourceFormat.Channels;
        int frames = _interleaved.Length / ch;
        if (_want is long w) frames = (int)Math.Min(frames, w - _sourceFrames);
        int got = frames > 0 ? _reader.Read(_interleaved.AsSpan(0, frames * ch)) : 0;
        if (got == 0)
        {
            if (_sourceFrames == 0) throw InvalidInputException.ForFile(_name, "contains no audio samples (or none after --offset)");
            _sourceDone = true;
            foreach (var r in _resamplers) r.Complete();
            return;
        }
        var block = _interleaved.AsSpan(0, got * ch);
        for (int i = 0; i < block.Length; i++)
            if (!float.IsFinite(block[i]))
                throw InvalidInputException.ForFile(_name, $"sample {_sourceFrames + i / ch} of channel {i % ch} is {block[i]} (NaN/Inf samples are not audio)");
        for (int r = 0; r < _resamplers.Length; r++)
        {
            for (int i = 0; i < got; i++) _planar[i] = _interleaved[i * ch + r];
            _resamplers[r].Push(_planar.AsSpan(0, got));
        }
        _sourceFrames += got;
    }

    public void Dispose() => _reader.Dispose();
}
