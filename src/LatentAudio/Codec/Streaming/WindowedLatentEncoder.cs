using LatentAudio.Audio;
using LatentAudio.Codec.Container;
using LatentAudio.Dsp;
using LatentAudio.Models;
using LatentAudio.Tensors;

namespace LatentAudio.Codec.Streaming;

/// <summary>What the measuring passes learnt about an input: its shape, and per coded stream the level to remove.</summary>
public sealed record EncoderInput(long Frames, int SampleRate, int Channels, ChannelPolicy Policy, long ModelSamples, StreamLevel[] Levels)
{
    public double DurationSeconds => (double)Frames / SampleRate;
}

/// <summary>
/// Audio → the VAE's posterior mean, window by window, never holding the whole input. Three passes over a
/// re-openable reader: (1) count the frames and reject NaN/Inf, (2) measure each coded stream's level at the
/// model rate (the front-end normalises by the whole signal's mean and peak), (3) normalise block by block, compute
/// each window's log-mel frames from the samples around them, run the VAE on the window's full range and hand on
/// only its owned frames. Memory: one window of samples and mel per stream.
/// </summary>
public sealed class WindowedLatentEncoder(ILatentAutoencoder vae, IMelFrontEnd frontEnd)
{
    /// <summary>Passes 1 and 2.</summary>
    public EncoderInput Measure(Func<IAudioReader> open, ChannelPolicy policy, string name)
    {
        AudioStats stats;
        int rate, channels;
        using (var reader = open())
        {
            rate = reader.Format.SampleRate;
            channels = reader.Format.Channels;
            stats = AudioStats.Measure(reader, name);
        }
        if (stats.Frames > int.MaxValue) throw InvalidInputException.ForFile(name, $"is {stats.Frames} frames long, more than a latent file can describe ({int.MaxValue})");
        long modelSamples = new Resampler(rate, frontEnd.SampleRate).OutputLength(stats.Frames);
        int streams = policy == ChannelPolicy.Each ? channels : 1;
        var meters = Enumerable.Range(0, streams).Select(_ => frontEnd.MeasureLevel(modelSamples)).ToArray();
        using (var pass = new ModelRateReader(open(), name, policy, stats.Frames, frontEnd.SampleRate, (s, x) => meters[s].Add(x)))
            while (pass.Fill()) { }
        var levels = new StreamLevel[streams];
        for (int s = 0; s < streams; s++)
        {
            var (mean, scale) = meters[s].Finish();
            if (!double.IsFinite(mean) || !double.IsFinite(scale) || !(scale > 0))
                throw InvalidInputException.ForFile(name, "is digital silence or cannot be normalised (the front-end gave a non-finite level)");
            levels[s] = new StreamLevel(mean, scale);
        }
        return new EncoderInput(stats.Frames, rate, channels, policy, modelSamples, levels);
    }

    /// <summary>
    /// ceil(samples / hop) frames (enough for the vocoder's hop·T samples; a centred STFT's extra last frame is
    /// dropped as AudioLDM2 drops it), rounded up to a multiple of the VAE's downsampling with silence frames.
    /// </summary>
    public int MelFrames(long modelSamples)
    {
        long needed = Math.Max(1, (modelSamples + frontEnd.HopLength - 1) / frontEnd.HopLength);
        long frames = (needed + vae.Downsample - 1) / vae.Downsample * vae.Downsample;
        if (frames > int.MaxValue) throw new InvalidInputException($"{modelSamples} samples are too many mel frames for a latent file");
        return (int)frames;
    }

    /// <summary>Pass 3: the owned frames of every window, for every coded stream, in plan order.</summary>
    public IEnumerable<OwnedLatent> Encode(Func<IAudioReader> open, EncoderInput input, LatentWindowPlan plan, string name)
    {
        int streams = input.Levels.Length, down = vae.Downsample, mels = frontEnd.MelBins;
        long n = input.ModelSamples;
        long realFrames = Math.Min(frontEnd.MelFrameCount(n), (long)plan.Frames * down);
        var normalized = Enumerable.Range(0, streams).Select(_ => new RollingSamples()).ToArray();
        var scratch = new float[4096];
        void Sink(int s, ReadOnlySpan<float> x)
        {
            if (scratch.Length < x.Length) scratch = new float[x.Length];
            var y = scratch.AsSpan(0, x.Length);
            frontEnd.NormalizeBlock(x, input.Levels[s].Mean, input.Levels[s].Scale, y);
            foreach (var v in y)
                if (!float.IsFinite(v)) throw InvalidInputException.ForFile(name, "is digital silence or cannot be normalised (the front-end gave a non-finite sample)");
            normalized[s].Append(y);
        }
        using var pass = new ModelRateReader(open(), name, input.Policy, input.Frames, frontEnd.SampleRate, Sink);
        var windows = plan.Windows;
        for (int i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            long first = (long)w.Start * down;
            int count = (int)Math.Clamp(realFrames - first, 0, (long)w.Length * down);
            (long Start, long End) support = count > 0 ? frontEnd.MelSupport(first, count, n) : (0, 0);
            while (normalized[0].End < support.End && pass.Fill()) { }
            for (int s = 0; s < streams; s++)
            {
                var mel = new float[w.Length * down * mels];
                if (count > 0)
                {
                    var frames = frontEnd.LogMelFrames(normalized[s].Slice(support.Start, support.End), support.Start, n, first, count);
                    if (frames.Rank != 2 || frames.Shape[0] != count || frames.Shape[1] != mels)
                        throw new LatentAudioException($"front-end returned mel {frames.ShapeText}, expected [{count}, {mels}]");
                    Array.Copy(frames.Data, mel, count * mels);
                }
                mel.AsSpan(count * mels).Fill(frontEnd.SilenceLogMel);
                yield return new OwnedLatent(s, w, EncodeWindow(new Tensor(mel, 1, 1, w.Length * down, mels), w));
            }
            if (i + 1 < windows.Count)
            {
                long next = (long)windows[i + 1].Start * down;
                long keep = next < realFrames ? frontEnd.MelSupport(next, 1, n).Start : support.End;
                foreach (var r in normalized) r.DropBefore(keep);
            }
        }
    }

    /// <summary>Runs the VAE on the window's mel and keeps its own frames as a [C, owned, rows] block.</summary>
    private LatentBlock EncodeWindow(Tensor mel, LatentWindow window)
    {
        var (mean, _) = vae.Encode(mel);
        int c = vae.LatentChannels, rows = frontEnd.MelBins / vae.Downsample;
        var m = mean.SqueezeLeading(3);
        if (m.Shape[0] != c || m.Shape[1] != window.Length || m.Shape[2] != rows)
            throw new LatentAudioException($"the VAE returned a latent of shape {mean.ShapeText}, expected [1, {c}, {window.Length}, {rows}]");
        var values = new float[c * window.OwnedLength * rows];
        int skip = window.OwnedStart - window.Start;
        for (int ch = 0; ch < c; ch++)
            Array.Copy(m.Data, (ch * window.Length + skip) * rows, values, ch * window.OwnedLength * rows, window.OwnedLength * rows);
        return new LatentBlock(values, c, window.OwnedLength, rows);
    }
}
