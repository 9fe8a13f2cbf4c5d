using LatentAudio.Dsp;

namespace LatentAudio.Engine;

/// <summary>
/// A push-through <see cref="StreamingResampler"/>: samples go in as they are produced, every output whose kernel
/// support has arrived comes out through <paramref name="output"/> at once (so the resampler can drop its input),
/// <see cref="Finish"/> flushes the tail. Output equals resampling the whole signal sample for sample.
/// </summary>
internal sealed class ResamplingStage(int fromRate, int toRate, Action<ReadOnlySpan<float>> output)
{
    private readonly StreamingResampler _resampler = new(fromRate, toRate);
    private readonly float[] _pulled = new float[1 << 14];
    private bool _finished;

    public void Push(ReadOnlySpan<float> samples)
    {
        if (_finished) throw new InvalidOperationException("already finished");
        // in slices, so the resampler's buffer stays small whatever block size the caller pushes
        for (int at = 0; at < samples.Length; at += _pulled.Length)
        {
            _resampler.Push(samples.Slice(at, Math.Min(_pulled.Length, samples.Length - at)));
            Drain();
        }
    }

    /// <summary>The input is complete: produces the remaining outputs (the signal is zero beyond its end).</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        _resampler.Complete();
        Drain();
    }

    private void Drain()
    {
        int n;
        while ((n = _resampler.Pull(_pulled)) > 0) output(_pulled.AsSpan(0, n));
    }
}
