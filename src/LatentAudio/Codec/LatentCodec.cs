using LatentAudio.Audio;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Entropy;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Dsp;
using LatentAudio.Models;
using LatentAudio.Tensors;

namespace LatentAudio.Codec;

/// <summary>Encoder choices stored in (or implied by) a latent file.</summary>
public sealed record LatentCodecOptions(
    QuantiserSettings Quantiser,
    ChannelPolicy Channels = ChannelPolicy.Mix,
    int WindowMelFrames = LatentWindowPlan.DefaultWindowMelFrames,
    int OverlapMelFrames = LatentWindowPlan.DefaultOverlapMelFrames,
    int PrecisionBits = 16,
    ProbabilityModelPolicy ModelPolicy = ProbabilityModelPolicy.Smallest);

/// <summary>What decoding produced: the header and one log-mel [T, MelBins] per coded stream.</summary>
public sealed record DecodedLatentFile(LatentFileHeader Header, Tensor[] Mels, long FileBytes);

/// <summary>
/// Audio ⇄ latent file: front-end → windowed VAE encode (posterior mean) → quantise → rANS → container; and
/// container → dequantised latent windows (context from the neighbours' stored frames) → VAE decode →
/// cross-faded log-mel → (vocoder) → restored level and length. The codec never loads models: it is given them.
/// </summary>
public sealed class LatentCodec
{
    private readonly ILatentAutoencoder _vae;
    private readonly IMelFrontEnd _frontEnd;

    public LatentCodec(ILatentAutoencoder vae, ModelIdentity model, IMelFrontEnd frontEnd)
    {
        _vae = vae;
        Model = model;
        _frontEnd = frontEnd;
    }

    public ModelIdentity Model { get; }

    /// <summary>Encodes <paramref name="audio"/> into <paramref name="output"/>; returns the honest bitrate report.</summary>
    public BitrateReport Encode(AudioBuffer audio, Stream output, LatentCodecOptions options, string sourceName = "input")
    {
        options.Quantiser.Validate();
        audio.EnsureFinite(sourceName);
        int down = _vae.Downsample, mels = _frontEnd.MelBins;
        if (options.WindowMelFrames % down != 0 || options.OverlapMelFrames % down != 0 || options.OverlapMelFrames >= options.WindowMelFrames || options.OverlapMelFrames < 0)
            throw new InvalidInputException($"window {options.WindowMelFrames} and overlap {options.OverlapMelFrames} mel frames must be multiples of {down} with overlap < window");
        var sources = options.Channels switch
        {
            ChannelPolicy.Each => audio.Split(ChannelMode.Each),
            ChannelPolicy.Mix => [audio.ToMono(ChannelMode.Mix)],
            _ => [audio.ToMono(ChannelMode.First)],
        };
        var levels = new StreamLevel[sources.Count];
        var melStreams = new Tensor[sources.Count];
        for (int s = 0; s < sources.Count; s++)
        {
            var mono = sources[s].Channel(0);
            var atModelRate = audio.SampleRate == _frontEnd.SampleRate ? mono : Resampler.Resample(mono, audio.SampleRate, _frontEnd.SampleRate);
            var norm = _frontEnd.Normalize(atModelRate);
            if (!double.IsFinite(norm.Mean) || !double.IsFinite(norm.Scale) || !(norm.Scale > 0) || norm.Samples.Any(v => !float.IsFinite(v)))
                throw InvalidInputException.ForFile(sourceName, "is digital silence or cannot be normalised (the front-end gave a non-finite level)");
            levels[s] = new StreamLevel(norm.Mean, norm.Scale);
            melStreams[s] = FitFrames(_frontEnd.LogMel(norm.Samples), norm.Samples.Length, down, mels);
        }
        int melFrames = melStreams[0].Shape[0];
        var header = new LatentFileHeader(Model, audio.SampleRate, audio.ChannelCount, options.Channels, audio.Length, levels,
            _frontEnd.SampleRate, _frontEnd.HopLength, mels, _vae.LatentChannels, down, melFrames,
            options.WindowMelFrames, options.OverlapMelFrames, options.Quantiser.Mode, (float)options.Quantiser.Value,
            options.PrecisionBits, options.ModelPolicy);
        var plan = header.Plan();
        var writer = new LatentFileWriter(output, header);
        var stats = new SymbolStatistics(_vae.LatentChannels);
        double secondsPerLatentFrame = (double)down * _frontEnd.HopLength / _frontEnd.SampleRate;
        foreach (var window in plan.Windows)
        {
            for (int s = 0; s < melStreams.Length; s++)
            {
                var owned = EncodeWindow(melStreams[s], window, down);
                double budget = options.Quantiser.Mode == StepMode.TargetBitrate
                    ? options.Quantiser.Value * 1000 * window.OwnedLength * secondsPerLatentFrame : 0;
                var coded = LatentBlockCoder.Encode(owned, options.Quantiser, options.PrecisionBits, options.ModelPolicy, budget);
                stats.Add(coded.Symbols);
                writer.WriteWindow(s, window, coded);
            }
        }
        writer.Finish();
        double valuesPerSecond = melStreams.Length * _vae.LatentChannels * (mels / down) * (double)_frontEnd.SampleRate / (_frontEnd.HopLength * down);
        return new BitrateReport(audio.DurationSeconds, audio.SampleRate, audio.ChannelCount, melStreams.Length, stats.Values,
            valuesPerSecond, stats.EntropyBits(), writer.HeaderBytes, writer.BytesWritten, stats.ZstdBytes());
    }

    /// <summary>
    /// The ceiling of the rate–distortion curve: the same windows and cross-fade, but the float32 posterior mean
    /// goes straight to the decoder (no quantisation, no file). Returns the header the file would have and one
    /// log-mel [T, MelBins] per stream (FileBytes 0), ready for <see cref="MelsToAudio"/>.
    /// </summary>
    public DecodedLatentFile UnquantisedMels(AudioBuffer audio, ChannelPolicy channels = ChannelPolicy.Mix, string sourceName = "input")
    {
        using var ms = new MemoryStream();
        // a throwaway file gives the exact header (levels, frame count, plan); its quantised payload is ignored
        Encode(audio, ms, new LatentCodecOptions(QuantiserSettings.FixedStep(1.0), channels), sourceName);
        ms.Position = 0;
        var h = LatentFileReader.Open(ms, sourceName).Header;
        var plan = h.Plan();
        int c = h.LatentChannels, rows = h.LatentRows, tl = h.LatentFrames;
        var sources = channels switch
        {
            ChannelPolicy.Each => audio.Split(ChannelMode.Each),
            ChannelPolicy.Mix => [audio.ToMono(ChannelMode.Mix)],
            _ => [audio.ToMono(ChannelMode.First)],
        };
        var result = new Tensor[sources.Count];
        for (int s = 0; s < sources.Count; s++)
        {
            var mono = sources[s].Channel(0);
            var atModelRate = audio.SampleRate == _frontEnd.SampleRate ? mono : Resampler.Resample(mono, audio.SampleRate, _frontEnd.SampleRate);
            var norm = _frontEnd.Normalize(atModelRate);
            var mel = FitFrames(_frontEnd.LogMel(norm.Samples), norm.Samples.Length, h.Downsample, h.MelBins);
            var latent = new float[c * tl * rows];
            foreach (var w in plan.Windows)
            {
                var owned = EncodeWindow(mel, w, h.Downsample);
                for (int ch = 0; ch < c; ch++)
                    Array.Copy(owned.Values, ch * w.OwnedLength * rows, latent, (ch * tl + w.OwnedStart) * rows, w.OwnedLength * rows);
            }
            result[s] = DecodeLatent(latent, plan, h);
        }
        return new DecodedLatentFile(h, result, 0);
    }

    /// <summary>Runs the VAE on the window's context and keeps its own frames as a [C, owned, rows] block.</summary>
    private LatentBlock EncodeWindow(Tensor mel, LatentWindow window, int down)
    {
        int mels = mel.Shape[1];
        var slice = new float[window.Length * down * mels];
        Array.Copy(mel.Data, window.Start * down * mels, slice, 0, slice.Length);
        var (mean, _) = _vae.Encode(new Tensor(slice, 1, 1, window.Length * down, mels));
        int c = _vae.LatentChannels, rows = mels / down;
        var m = mean.SqueezeLeading(3);
        if (m.Shape[0] != c || m.Shape[1] != window.Length || m.Shape[2] != rows)
            throw new LatentAudioException($"the VAE returned a latent of shape {mean.ShapeText}, expected [1, {c}, {window.Length}, {rows}]");
        var values = new float[c * window.OwnedLength * rows];
        int skip = window.OwnedStart - window.Start;
        for (int ch = 0; ch < c; ch++)
            Array.Copy(m.Data, (ch * window.Length + skip) * rows, values, ch * window.OwnedLength * rows, window.OwnedLength * rows);
        return new LatentBlock(values, c, window.OwnedLength, rows);
    }

    /// <summary>
    /// ceil(samples / hop) frames (enough for the vocoder's hop·T samples; a centred STFT's extra last frame is
    /// dropped as AudioLDM2 drops it), rounded up to a multiple of the VAE's downsampling with silence frames.
    /// </summary>
    private Tensor FitFrames(Tensor mel, int samples, int multiple, int mels)
    {
        if (mel.Rank != 2 || mel.Shape[1] != mels) throw new LatentAudioException($"front-end returned mel {mel.ShapeText}, expected [T, {mels}]");
        int needed = Math.Max(1, (samples + _frontEnd.HopLength - 1) / _frontEnd.HopLength);
        int frames = (needed + multiple - 1) / multiple * multiple;
        var data = new float[frames * mels];
        int copy = Math.Min(frames, mel.Shape[0]) * mels;
        Array.Copy(mel.Data, data, copy);
        data.AsSpan(copy).Fill(_frontEnd.SilenceLogMel);
        return new Tensor(data, frames, mels);
    }

    /// <summary>Reads a latent file and decodes it to log-mel, refusing files made by another model.</summary>
    public DecodedLatentFile DecodeMel(Stream input, string name)
    {
        var reader = LatentFileReader.Open(input, name);
        var h = reader.Header;
        if (!h.Model.SameWeights(Model))
            throw InvalidInputException.ForFile(name, $"was encoded with model {h.Model} but the decoder was given model {Model}; pass --model pointing at the encoding model");
        if (h.LatentChannels != _vae.LatentChannels || h.Downsample != _vae.Downsample || h.MelBins != _frontEnd.MelBins
            || h.HopLength != _frontEnd.HopLength || h.CodedSampleRate != _frontEnd.SampleRate)
            throw InvalidInputException.ForFile(name, $"latent layout ({h.LatentChannels} ch, /{h.Downsample}, {h.MelBins} mels, hop {h.HopLength}, {h.CodedSampleRate} Hz) does not match the decoder's model");
        var plan = h.Plan();
        int c = h.LatentChannels, rows = h.LatentRows, tl = h.LatentFrames;
        var latents = Enumerable.Range(0, h.Streams.Length).Select(_ => new float[c * tl * rows]).ToArray();
        foreach (var w in reader.ReadWindows())
        {
            var dst = latents[w.StreamIndex];
            for (int ch = 0; ch < c; ch++)
                Array.Copy(w.Owned.Values, ch * w.Window.OwnedLength * rows, dst, (ch * tl + w.Window.OwnedStart) * rows, w.Window.OwnedLength * rows);
        }
        var mels = latents.Select(l => DecodeLatent(l, plan, h)).ToArray();
        return new DecodedLatentFile(h, mels, reader.BytesRead);
    }

    /// <summary>
    /// Decodes each window from its context frames (its own + the neighbours' stored frames) and cross-fades the
    /// windows' mels with normalised trapezoid weights.
    /// </summary>
    private Tensor DecodeLatent(float[] latent, LatentWindowPlan plan, LatentFileHeader h)
    {
        int c = h.LatentChannels, rows = h.LatentRows, tl = h.LatentFrames, down = h.Downsample, mels = h.MelBins;
        var sum = new double[h.MelFrames * mels];
        var weights = new double[h.MelFrames];
        foreach (var w in plan.Windows)
        {
            var slice = new float[c * w.Length * rows];
            for (int ch = 0; ch < c; ch++)
                Array.Copy(latent, (ch * tl + w.Start) * rows, slice, ch * w.Length * rows, w.Length * rows);
            var mel = _vae.Decode(new Tensor(slice, 1, c, w.Length, rows)).SqueezeLeading(2);
            if (mel.Shape[0] != w.Length * down || mel.Shape[1] != mels)
                throw new LatentAudioException($"the VAE decoded a mel of shape {mel.ShapeText}, expected [1, 1, {w.Length * down}, {mels}]");
            for (int t = 0; t < w.Length * down; t++)
            {
                int frame = w.Start * down + t;
                double wt = plan.Weight(w, frame, down);
                weights[frame] += wt;
                for (int m = 0; m < mels; m++) sum[frame * mels + m] += wt * mel.Data[t * mels + m];
            }
        }
        var result = new float[sum.Length];
        for (int f = 0; f < weights.Length; f++)
            for (int m = 0; m < mels; m++) result[f * mels + m] = (float)(sum[f * mels + m] / weights[f]);
        return new Tensor(result, h.MelFrames, mels);
    }

    /// <summary>
    /// Full decode to audio: <paramref name="vocode"/> turns a log-mel [T, MelBins] into samples at the model rate;
    /// the result is cropped to the coded length, restored to the original level, resampled to the original rate
    /// and cut to the exact original sample count. One output channel per coded stream.
    /// </summary>
    public AudioBuffer DecodeAudio(Stream input, string name, Func<Tensor, float[]> vocode) =>
        MelsToAudio(DecodeMel(input, name), vocode);

    /// <summary>Vocodes decoded mels and restores level, rate and exact length from the header.</summary>
    public AudioBuffer MelsToAudio(DecodedLatentFile decoded, Func<Tensor, float[]> vocode)
    {
        var h = decoded.Header;
        long codedLength = new Resampler(h.SampleRate, h.CodedSampleRate).OutputLength(h.SampleLength);
        var channels = new float[decoded.Mels.Length][];
        for (int s = 0; s < channels.Length; s++)
        {
            var wave = vocode(decoded.Mels[s]);
            var fitted = new float[codedLength];
            Array.Copy(wave, fitted, Math.Min(wave.Length, fitted.Length));
            var restored = _frontEnd.Restore(fitted, h.Streams[s].Mean, h.Streams[s].Scale);
            var atRate = h.SampleRate == h.CodedSampleRate ? restored : Resampler.Resample(restored, h.CodedSampleRate, h.SampleRate);
            var exact = new float[h.SampleLength];
            Array.Copy(atRate, exact, Math.Min(atRate.Length, exact.Length));
            channels[s] = exact;
        }
        return new AudioBuffer(channels, h.SampleRate);
    }
}
