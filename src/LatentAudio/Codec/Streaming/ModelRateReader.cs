using LatentAudio.Audio;
using LatentAudio.Codec.Container;

namespace LatentAudio.Codec.Streaming;

/// <summary>
/// One pass over an audio input, block by block: frames → coded streams (each channel, the channel mean as
/// <see cref="AudioBuffer.ToMono"/> mixes it, or channel 0) → resampled to the model rate → handed to
/// <c>sink(stream, samples)</c>. Reads exactly the frame count a first pass measured, so every pass sees the same signal.
/// </summary>
internal sealed class ModelRateReader : IDisposable
{
    private const int BlockFrames = 4096;
    private readonly IAudioReader _reader;
    private readonly string _name;
    private readonly ChannelPolicy _policy;
    private readonly long _frames;
    private readonly ResamplingStage[] _resamplers;
    private readonly float[] _block;
    private readonly float[] _mono = new float[BlockFrames];
    private readonly double[] _mix = new double[BlockFrames];
    private long _read;
    private bool _done;

    public ModelRateReader(IAudioReader reader, string name, ChannelPolicy policy, long frames, int modelRate, Action<int, ReadOnlySpan<float>> sink)
    {
        _reader = reader; _name = name; _policy = policy; _frames = frames;
        var fmt = reader.Format;
        Streams = policy == ChannelPolicy.Each ? fmt.Channels : 1;
        _resamplers = Enumerable.Range(0, Streams).Select(s => new ResamplingStage(fmt.SampleRate, modelRate, x => sink(s, x))).ToArray();
        _block = new float[BlockFrames * fmt.Channels];
    }

    public int Streams { get; }

    /// <summary>Reads and forwards one block; false once the input is exhausted (and the resamplers are flushed).</summary>
    public bool Fill()
    {
        if (_done) return false;
        int ch = _reader.Format.Channels;
        int ask = (int)Math.Min(BlockFrames, _frames - _read);
        int got = ask > 0 ? _reader.Read(_block.AsSpan(0, ask * ch)) : 0;
        if (got == 0)
        {
            if (_read < _frames) throw InvalidInputException.ForFile(_name, $"gave {_read} frames on a later pass, {_frames} on the first (the input changed while being read)");
            foreach (var r in _resamplers) r.Finish();
            _done = true;
            return false;
        }
        for (int s = 0; s < Streams; s++)
        {
            var mono = _mono.AsSpan(0, got);
            if (_policy == ChannelPolicy.Mix && ch > 1)
            {
                // AudioBuffer.MixDown: a binary64 sum in channel order, times 1/channels, rounded once
                var mix = _mix.AsSpan(0, got);
                mix.Clear();
                for (int c = 0; c < ch; c++)
                    for (int i = 0; i < got; i++) mix[i] += _block[i * ch + c];
                double inv = 1.0 / ch;
                for (int i = 0; i < got; i++) mono[i] = (float)(mix[i] * inv);
            }
            else
            {
                int c = _policy == ChannelPolicy.Each ? s : 0;
                for (int i = 0; i < got; i++) mono[i] = _block[i * ch + c];
            }
            _resamplers[s].Push(mono);
        }
        _read += got;
        return true;
    }

    public void Dispose() => _reader.Dispose();
}
