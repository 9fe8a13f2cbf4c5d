using LatentAudio.Audio;
using LatentAudio.Models;
using LatentAudio.Tensors;

namespace LatentAudio.Engine;

/// <summary>
/// What the measuring pass learnt about an input: its source shape, its length at the model rate, and per stream
/// the level the front-end removes (measured once over the whole input, never per window).
/// </summary>
public sealed record EncoderInput(long Frames, int SampleRate, int Channels, ChannelMode Mode, long ModelSamples, StreamLevel[] Levels)
{
    public double DurationSeconds => (double)Frames / SampleRate;
}

/// <summary>One window's stored (owned) latent frames for one stream, in plan order, and the input's final log-mel
/// frames [Window.Start·f, next window's start·f) that the window's mel held (the oracle path's input).</summary>
public sealed record OwnedLatent(int StreamIndex, LatentWindow Window, LatentBlock Owned, float[]? InputMel = null);

/// <summary>
/// Audio → the VAE's posterior (mean, or a seeded sample), window by window, never holding the whole input. Two
/// passes over a re-openable reader: (1) <see cref="Measure"/>: the length at the model rate and each stream's level
/// (numpy's float32 pairwise mean needs the total length up front: a header's promise is used, and when it was wrong
/// the pass is repeated with the counted length); (2) <see cref="Encode"/>: normalise block by block, zero-pad to the
/// frame rule's length (<see cref="FrameRule"/>), compute each window's log-mel frames of the whole padded signal
/// from the samples around them, run the VAE on the window and hand on only its owned frames. Memory: one window of
/// samples and mel per stream.
/// </summary>
public sealed class WindowedLatentEncoder(ILatentAutoencoder vae, IMelFrontEnd frontEnd, int? sampleSeed = null)
{
    /// <summary>Pass 1. NaN/Inf samples and inputs without samples are refused with the input's name.</summary>
    public EncoderInput Measure(Func<IAudioReader> open, ChannelMode mode, string name)
    {
        int rate = frontEnd.SampleRate;
        long? expected = null;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            using var reader = new ResampledReader(open(), name, null, rate, mode);
            expected ??= reader.ExpectedFrames;
            var meters = expected is long e ? Enumerable.Range(0, reader.Channels).Select(_ => frontEnd.MeasureLevel(e)).ToArray() : null;
            var block = Enumerable.Range(0, reader.Channels).Select(_ => new float[4096]).ToArray();
            long frames = 0;
            for (int got; (got = reader.Read(block, 0, 4096)) > 0;)
            {
                if (meters is not null && frames + got > expected) meters = null;
                if (meters is not null)
                    for (int c = 0; c < meters.Length; c++) meters[c].Add(block[c].AsSpan(0, got));
                frames += got;
            }
            if (reader.SourceFrames > int.MaxValue)
                throw InvalidInputException.ForFile(name, $"is {reader.SourceFrames} frames long, more than the engine can describe ({int.MaxValue})");
            if (meters is not null && frames == expected)
            {
                var levels = meters.Select(m => m.Finish()).Select(l => new StreamLevel(l.Mean, l.Scale)).ToArray();
                foreach (var l in levels)
                    if (!double.IsFinite(l.Mean) || !double.IsFinite(l.Scale) || !(l.Scale > 0))
                        throw InvalidInputException.ForFile(name, "cannot be normalised (the front-end gave a non-finite level)");
                return new EncoderInput(reader.SourceFrames, reader.SourceFormat.SampleRate, reader.SourceFormat.Channels, mode, frames, levels);
            }
            expected = frames;
        }
        throw InvalidInputException.ForFile(name, "changed length between two reads of it");
    }

    /// <summary>Mel frames of the coded latent: <see cref="FrameRule.MelFrames"/> with the plan's window.</summary>
    public int MelFrames(long modelSamples, int windowMelFrames)
    {
        long frames = FrameRule.MelFrames(modelSamples, frontEnd.HopLength, vae.Downsample, windowMelFrames);
        if (frames > int.MaxValue) throw new InvalidInputException($"{modelSamples} samples are too many mel frames for one latent");
        return (int)frames;
    }

    /// <summary>Pass 2: the owned frames of every window, for every stream, in plan order.</summary>
    public IEnumerable<OwnedLatent> Encode(Func<IAudioReader> open, EncoderInput input, LatentWindowPlan plan, string name)
    {
        int streams = input.Levels.Length, down = vae.Downsample, mels = frontEnd.MelBins;
        long melFrames = (long)plan.Frames * down;
        long n = input.ModelSamples, padded = FrameRule.PaddedSamples(melFrames, frontEnd.HopLength);
        if (padded < n) throw new ArgumentException($"a plan of {plan.Frames} latent frames does not cover {n} samples");
        var normalized = Enumerable.Range(0, streams).Select(_ => new RollingSamples()).ToArray();
        var scratch = new float[4096];
        void Sink(int s, ReadOnlySpan<float> x)
        {
            if (scratch.Length < x.Length) scratch = new float[x.Length];
            var y = scratch.AsSpan(0, x.Length);
            frontEnd.NormalizeBlock(x, input.Levels[s].Mean, input.Levels[s].Scale, y);
            normalized[s].Append(y);
        }
        using var pass = new ModelRateReader(open(), name, input.Mode, input.Frames, frontEnd.SampleRate, Sink);
        bool More()
        {
            if (pass.Fill()) return true;
            if (normalized[0].End != n)
                throw InvalidInputException.ForFile(name, $"gave {normalized[0].End} samples on a later pass, {n} on the first (the input changed while being read)");
            // pad_wav: zeros after the normalised signal, up to the frame rule's length
            foreach (var r in normalized) r.AppendZeros((int)(padded - n));
            return false;
        }
        var windows = plan.Windows;
        for (int i = 0; i < windows.Count; i++)
        {
            var w = windows[i];
            long first = (long)w.Start * down;
            int count = w.Length * down;
            var support = frontEnd.MelSupport(first, count, padded);
            while (normalized[0].End < support.End && More()) { }
            long finalEnd = i + 1 < windows.Count ? (long)windows[i + 1].Start * down : melFrames;
            for (int s = 0; s < streams; s++)
            {
                var frames = frontEnd.LogMelFrames(normalized[s].Slice(support.Start, support.End), support.Start, padded, first, count);
                if (frames.Rank != 2 || frames.Shape[0] != count || frames.Shape[1] != mels)
                    throw new LatentAudioException($"front-end returned mel {frames.ShapeText}, expected [{count}, {mels}]");
                var final = frames.Data.AsSpan(0, (int)(finalEnd - first) * mels).ToArray();
                yield return new OwnedLatent(s, w, EncodeWindow(frames.Reshape(1, 1, count, mels), w, s), final);
            }
            if (i + 1 < windows.Count)
            {
                long next = (long)windows[i + 1].Start * down;
                long keep = frontEnd.MelSupport(next, 1, padded).Start;
                foreach (var r in normalized) r.DropBefore(keep);
            }
        }
    }

    /// <summary>
    /// The whole latent of a one-stream input, [LatentChannels, T/f, NMels/f], assembled from every window's owned
    /// frames (what a latent file stores), and the input's log-mel [T, NMels] the windows were cut from. For an input
    /// of at most one window this is the VAE run once on the reference's zero-padded 10.24 s log-mel.
    /// </summary>
    public (Tensor Latent, Tensor Mel, EncoderInput Input) EncodeWhole(AudioSource source, ChannelMode mode, int windowMelFrames, int overlapMelFrames)
    {
        if (mode == ChannelMode.Each) throw new ArgumentException("one latent holds one stream: use First or Mix", nameof(mode));
        var input = Measure(source.Open, mode, source.Name);
        int down = vae.Downsample, mels = frontEnd.MelBins, rows = mels / down, c = vae.LatentChannels;
        int frames = MelFrames(input.ModelSamples, windowMelFrames);
        var plan = new LatentWindowPlan(frames / down, windowMelFrames / down, overlapMelFrames / down);
        var latent = new float[(long)c * plan.Frames * rows];
        var mel = new float[(long)frames * mels];
        foreach (var o in Encode(source.Open, input, plan, source.Name))
        {
            var w = o.Window;
            for (int ch = 0; ch < c; ch++)
                Array.Copy(o.Owned.Values, ch * w.OwnedLength * rows, latent, ((long)ch * plan.Frames + w.OwnedStart) * rows, w.OwnedLength * rows);
            Array.Copy(o.InputMel!, 0, mel, (long)w.Start * down * mels, o.InputMel!.Length);
        }
        return (new Tensor(latent, c, plan.Frames, rows), new Tensor(mel, frames, mels), input);
    }

    /// <summary>Runs the VAE on the window's mel and keeps its own frames as a [C, owned, rows] block.</summary>
    private LatentBlock EncodeWindow(Tensor mel, LatentWindow window, int stream)
    {
        var (mean, logVar) = vae.Encode(mel);
        // a seeded posterior sample per window (and stream), repeatable: seed + window index (+ 7919·stream)
        var z = sampleSeed is int seed ? Models.Vae.AutoencoderKl.Sample(mean, logVar, seed + window.Index + 7919 * stream) : mean;
        int c = vae.LatentChannels, rows = frontEnd.MelBins / vae.Downsample;
        var m = z.SqueezeLeading(3);
        if (m.Shape[0] != c || m.Shape[1] != window.Length || m.Shape[2] != rows)
            throw new LatentAudioException($"the VAE returned a latent of shape {mean.ShapeText}, expected [1, {c}, {window.Length}, {rows}]");
        var values = new float[c * window.OwnedLength * rows];
        int skip = window.OwnedStart - window.Start;
        for (int ch = 0; ch < c; ch++)
            Array.Copy(m.Data, (ch * window.Length + skip) * rows, values, ch * window.OwnedLength * rows, window.OwnedLength * rows);
        return new LatentBlock(values, c, window.OwnedLength, rows);
    }
}
