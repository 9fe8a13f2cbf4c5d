using LatentAudio.Audio;

namespace LatentAudio.Engine;

/// <summary>
/// One pass over an audio input, pushed rather than pulled: a <see cref="ResampledReader"/> (coded streams → model
/// rate) whose blocks go to <c>sink(stream, samples)</c>. Reads exactly the frame count a first pass measured, so
/// every pass sees the same signal.
/// </summary>
internal sealed class ModelRateReader : IDisposable
{
    private const int BlockFrames = 4096;
    private readonly ResampledReader _source;
    private readonly string _name;
    private readonly long _frames;
    private readonly Action<int, ReadOnlySpan<float>> _sink;
    private readonly float[][] _block;
    private bool _done;

    public ModelRateReader(IAudioReader reader, string name, ChannelMode mode, long frames, int modelRate, Action<int, ReadOnlySpan<float>> sink)
    {
        try { _source = new ResampledReader(reader, name, frames, modelRate, mode); }
        catch
        {
            reader.Dispose();
            throw;
        }
        _name = name;
        _frames = frames;
        _sink = sink;
        _block = Enumerable.Range(0, _source.Channels).Select(_ => new float[BlockFrames]).ToArray();
    }

    public int Streams => _source.Channels;

    /// <summary>Reads and forwards one block; false once the input is exhausted.</summary>
    public bool Fill()
    {
        if (_done) return false;
        int got = _source.Read(_block, 0, BlockFrames);
        if (got == 0)
        {
            _done = true;
            if (_source.SourceFrames < _frames)
                throw InvalidInputException.ForFile(_name, $"gave {_source.SourceFrames} frames on a later pass, {_frames} on the first (the input changed while being read)");
            return false;
        }
        for (int s = 0; s < _block.Length; s++) _sink(s, _block[s].AsSpan(0, got));
        return true;
    }

    public void Dispose() => _source.Dispose();
}
