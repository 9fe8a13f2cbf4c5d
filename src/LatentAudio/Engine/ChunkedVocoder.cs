using LatentAudio.Tensors;

namespace LatentAudio.Engine;

/// <summary>How two renderings of a seam are blended.</summary>
public enum CrossfadeShape
{
    /// <summary>Linear: for renderings that agree (the HiFi-GAN with enough context gives nearly the same samples).</summary>
    Linear,
    /// <summary>Equal power (sin/cos): for renderings with unrelated phase (Griffin-Lim from its own random start),
    /// whose linear blend would dip by up to 3 dB in the middle.</summary>
    EqualPower,
}

/// <summary>
/// Turns a log-mel that arrives frame block by frame block into samples at the model rate with bounded memory.
/// A mel of at most <see cref="SingleCallFrames"/> frames is vocoded in one call (exactly as before streaming).
/// A longer one is vocoded in chunks of <see cref="CoreFrames"/> frames, each given <see cref="ContextFrames"/>
/// frames of context on both sides (more than the HiFi-GAN's receptive field, so both renderings of a seam agree
/// closely), and neighbouring chunks are cross-faded linearly over <see cref="FadeFrames"/> frames centred on the
/// seam. Vocoder sample j of a call on frames [m0, m1) is sample m0·hop + j of the signal (the vocoder is hop-aligned).
/// </summary>
public sealed class ChunkedVocoder
{
    public const int SingleCallFrames = 2048;
    public const int CoreFrames = 1024;
    public const int ContextFrames = 48;
    public const int FadeFrames = 16;

    private readonly Func<Tensor, float[]> _vocode;
    private readonly int _mels, _hop;
    private readonly long _totalFrames;
    private readonly Action<ReadOnlySpan<float>> _output;
    private readonly RollingSamples _mel = new(); // frame-major mel values, indexed by frame·mels
    private float[] _tail = [];                    // the previous chunk's rendering of the fade around the seam
    private long _chunk;                           // next chunk to vocode

    private readonly CrossfadeShape _shape;

    public ChunkedVocoder(Func<Tensor, float[]> vocode, int mels, int hop, long totalFrames, Action<ReadOnlySpan<float>> output,
        CrossfadeShape shape = CrossfadeShape.Linear)
    {
        _vocode = vocode; _mels = mels; _hop = hop; _totalFrames = totalFrames; _output = output; _shape = shape;
    }

    private bool SingleCall => _totalFrames <= SingleCallFrames;
    private long Chunks => SingleCall ? 1 : (_totalFrames + CoreFrames - 1) / CoreFrames;

    /// <summary>The next <paramref name="frames"/> mel frames (time-major).</summary>
    public void Push(ReadOnlySpan<float> frames)
    {
        _mel.Append(frames);
        while (_chunk < Chunks && FramesHeld(out _) >= NeededEnd(_chunk)) RenderChunk();
    }

    /// <summary>All frames were pushed.</summary>
    public void Finish()
    {
        if (_mel.End != _totalFrames * _mels) throw new InvalidOperationException($"got {_mel.End / _mels} of {_totalFrames} mel frames");
        while (_chunk < Chunks) RenderChunk();
    }

    private long FramesHeld(out long first) { first = _mel.Start / _mels; return _mel.End / _mels; }

    private long NeededEnd(long k) => SingleCall ? _totalFrames : Math.Min(_totalFrames, (k + 1) * CoreFrames + ContextFrames);

    private void RenderChunk()
    {
        long k = _chunk++;
        if (SingleCall)
        {
            _output(_vocode(MelTensor(0, _totalFrames)));
            return;
        }
        long a = k * CoreFrames, b = Math.Min(_totalFrames, a + CoreFrames);
        long m0 = Math.Max(0, a - ContextFrames), m1 = Math.Min(_totalFrames, b + ContextFrames);
        var wave = _vocode(MelTensor(m0, m1));
        long origin = m0 * _hop;                 // signal sample of wave[0]
        int half = FadeFrames / 2 * _hop;
        long from = k == 0 ? 0 : a * _hop - half; // first signal sample this chunk takes part in
        bool last = b == _totalFrames;
        long to = last ? origin + wave.Length : b * _hop + half;
        if (to > origin + wave.Length) throw new LatentAudioException($"the vocoder returned {wave.Length} samples for {m1 - m0} frames, fewer than the {(m1 - m0) * _hop} expected");
        var span = wave.AsSpan((int)(from - origin), (int)(to - from));
        if (k > 0)
        {
            int n = _tail.Length;
            var blended = new float[n];
            for (int i = 0; i < n; i++)
            {
                double r = (i + 0.5) / n;
                var (wOld, wNew) = _shape == CrossfadeShape.Linear ? (1 - r, r) : (Math.Cos(r * Math.PI / 2), Math.Sin(r * Math.PI / 2));
                blended[i] = (float)(wOld * _tail[i] + wNew * span[i]);
            }
            _output(blended);
            span = span[n..];
        }
        if (last) _output(span);
        else
        {
            _output(span[..^(2 * half)]);
            _tail = span[^(2 * half)..].ToArray();
        }
        _mel.DropBefore(Math.Max(0, (k + 1) * CoreFrames - ContextFrames) * _mels);
    }

    private Tensor MelTensor(long m0, long m1)
    {
        var data = _mel.Slice(m0 * _mels, m1 * _mels).ToArray();
        return new Tensor(data, (int)(m1 - m0), _mels);
    }
}
