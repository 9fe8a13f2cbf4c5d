using LatentAudio.Models;
using LatentAudio.Tensors;

namespace LatentAudio.Engine;

/// <summary>Finished log-mel frames [FirstFrame, FirstFrame + Count) of every coded stream, each time-major [Count, MelBins].</summary>
public sealed record MelBlock(long FirstFrame, int Count, float[][] Streams);

/// <summary>
/// Latent windows → cross-faded log-mel, window by window (docs/format.md §3.1): each window's range is rebuilt from
/// its own and its neighbours' stored frames, decoded by the VAE and added with its trapezoid weight; frames before
/// the next window's start are final and handed on. Holds the stored frames of the few windows a range touches and
/// one window of weighted sums per stream, so memory is bounded by the window, not by the file's length. The sums
/// are formed in the same order as a whole-file decode, so the values are bit-identical to it.
/// </summary>
public sealed class StreamingMelDecoder(ILatentAutoencoder vae, LatentLayout layout)
{
    public IEnumerable<MelBlock> Decode(IEnumerable<OwnedLatent> owned)
    {
        var h = layout;
        var plan = h.Plan();
        var windows = plan.Windows;
        int streams = h.Streams, c = h.LatentChannels, rows = h.LatentRows, down = h.Downsample, mels = h.MelBins;
        int capacity = plan.MaxLength * down;
        var held = Enumerable.Range(0, streams).Select(_ => new List<OwnedLatent>()).ToArray();
        var sums = Enumerable.Range(0, streams).Select(_ => new double[capacity * mels]).ToArray();
        var weights = new double[capacity];
        long covered = 0, pending = 0; // latent frames read for every stream; first mel frame not yet final
        using var source = owned.GetEnumerator();
        for (int i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            while (covered < w.End)
            {
                if (!source.MoveNext()) throw new InvalidOperationException($"the latent source ended at frame {covered}, window {i} needs [{w.Start}, {w.End})");
                var block = source.Current;
                held[block.StreamIndex].Add(block);
                if (block.StreamIndex == streams - 1) covered = block.Window.OwnedEnd;
            }
            if (covered >= plan.Frames && source.MoveNext()) // the last window read: let the source check its end
                throw new InvalidOperationException("the latent source holds more windows than the plan");
            int melStart = w.Start * down, melLength = w.Length * down;
            if (melStart != pending) throw new InvalidOperationException("windows out of order");
            for (int t = 0; t < melLength; t++) weights[t] += plan.Weight(w, melStart + t, down);
            for (int s = 0; s < streams; s++)
            {
                var mel = DecodeWindow(held[s], w, c, rows, down, mels);
                var sum = sums[s];
                for (int t = 0; t < melLength; t++)
                {
                    double wt = plan.Weight(w, melStart + t, down);
                    for (int m = 0; m < mels; m++) sum[t * mels + m] += wt * mel[t * mels + m];
                }
            }
            long finalEnd = i + 1 < windows.Count ? (long)windows[i + 1].Start * down : h.MelFrames;
            int ready = (int)(finalEnd - pending);
            var outBlock = new float[streams][];
            for (int s = 0; s < streams; s++)
            {
                var o = outBlock[s] = new float[ready * mels];
                var sum = sums[s];
                for (int f = 0; f < ready; f++)
                    for (int m = 0; m < mels; m++) o[f * mels + m] = (float)(sum[f * mels + m] / weights[f]);
                Array.Copy(sum, ready * mels, sum, 0, (capacity - ready) * mels);
                Array.Clear(sum, (capacity - ready) * mels, ready * mels);
            }
            Array.Copy(weights, ready, weights, 0, capacity - ready);
            Array.Clear(weights, capacity - ready, ready);
            if (i + 1 < windows.Count)
                foreach (var list in held) list.RemoveAll(b => b.Window.OwnedEnd <= windows[i + 1].Start);
            yield return new MelBlock(pending, ready, outBlock);
            pending = finalEnd;
        }
    }

    /// <summary>Rebuilds [Start, End) of the latent from the held blocks and runs the VAE decoder on it.</summary>
    private float[] DecodeWindow(List<OwnedLatent> held, LatentWindow w, int c, int rows, int down, int mels)
    {
        var slice = new float[c * w.Length * rows];
        int filled = 0;
        foreach (var b in held)
        {
            int from = Math.Max(w.Start, b.Window.OwnedStart), to = Math.Min(w.End, b.Window.OwnedEnd);
            if (to <= from) continue;
            for (int ch = 0; ch < c; ch++)
                Array.Copy(b.Owned.Values, (ch * b.Window.OwnedLength + from - b.Window.OwnedStart) * rows,
                    slice, (ch * w.Length + from - w.Start) * rows, (to - from) * rows);
            filled += to - from;
        }
        if (filled != w.Length) throw new InvalidOperationException($"window {w.Index}: only {filled} of its {w.Length} latent frames are held");
        var mel = vae.Decode(new Tensor(slice, 1, c, w.Length, rows)).SqueezeLeading(2);
        if (mel.Shape[0] != w.Length * down || mel.Shape[1] != mels)
            throw new LatentAudioException($"the VAE decoded a mel of shape {mel.ShapeText}, expected [1, 1, {w.Length * down}, {mels}]");
        return mel.Data;
    }
}
