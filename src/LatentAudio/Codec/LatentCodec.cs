using LatentAudio.Audio;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Entropy;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Dsp;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Tensors;

namespace LatentAudio.Codec;

/// <summary>Encoder choices stored in (or implied by) a latent file.</summary>
public sealed record LatentCodecOptions(
    QuantiserSettings Quantiser,
    ChannelMode Channels = ChannelMode.Mix,
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
    /// <summary>The rate the model codes (its front-end's: 16 kHz for AudioLDM2, 48 kHz for audioldm_48k).</summary>
    public int SampleRate => _frontEnd.SampleRate;
    /// <summary>Latent values per second of one coded stream: channels × mel bins/f × frames/s of the latent
    /// (3,200 for AudioLDM2 at 16 kHz; 6,400 for audioldm_48k).</summary>
    public double ValuesPerSecondPerStream =>
        _vae.LatentChannels * (_frontEnd.MelBins / _vae.Downsample) * (double)_frontEnd.SampleRate / (_frontEnd.HopLength * _vae.Downsample);

    /// <summary>Encodes <paramref name="audio"/> into <paramref name="output"/>; returns the honest bitrate report.</summary>
    public BitrateReport Encode(AudioBuffer audio, Stream output, LatentCodecOptions options, string sourceName = "input")
    {
        audio.EnsureFinite(sourceName);
        return Encode(() => new BufferAudioReader(audio), output, options, sourceName);
    }

    /// <summary>
    /// Encodes the audio <paramref name="open"/> reads (called once per pass: it must give the same signal each time)
    /// into <paramref name="output"/>, window by window: memory does not grow with the input's length.
    /// <paramref name="progress"/> hears the scan ("scan", total unknown) and every coded window ("window", i of N, over all streams).
    /// </summary>
    public BitrateReport Encode(Func<IAudioReader> open, Stream output, LatentCodecOptions options, string sourceName = "input",
        IProgress<WorkProgress>? progress = null)
    {
        options.Quantiser.Validate();
        progress?.Report(new WorkProgress("scan", 0, 0));
        var encoder = new WindowedLatentEncoder(_vae, _frontEnd);
        var input = Measure(encoder, open, options.Channels, options.WindowMelFrames, options.OverlapMelFrames, sourceName);
        var header = Header(encoder, input, options);
        var plan = header.Plan();
        var writer = new LatentFileWriter(output, header);
        using var stats = new SymbolStatistics(_vae.LatentChannels, (long)input.Levels.Length * header.LatentChannels * header.LatentRows * header.LatentFrames);
        double secondsPerLatentFrame = (double)_vae.Downsample * _frontEnd.HopLength / _frontEnd.SampleRate;
        long windowsDone = 0, windowsTotal = (long)plan.Windows.Count * input.Levels.Length;
        progress?.Report(new WorkProgress("window", 0, windowsTotal));
        foreach (var owned in encoder.Encode(open, input, plan, sourceName))
        {
            var window = owned.Window;
            // the target is bits per second of the input: a window's share of the input's duration (a short input is
            // coded as one zero-padded window, whose padding gets no budget of its own)
            double budget = options.Quantiser.Mode == StepMode.TargetBitrate
                ? options.Quantiser.Value * 1000 * Math.Min(window.OwnedLength * secondsPerLatentFrame, input.DurationSeconds * window.OwnedLength / plan.Frames) : 0;
            var coded = LatentBlockCoder.Encode(owned.Owned, options.Quantiser, options.PrecisionBits, options.ModelPolicy, budget);
            stats.Add(coded.Symbols);
            writer.WriteWindow(owned.StreamIndex, window, coded);
            progress?.Report(new WorkProgress("window", ++windowsDone, windowsTotal));
        }
        writer.Finish();
        int streams = input.Levels.Length, mels = _frontEnd.MelBins, down = _vae.Downsample;
        double valuesPerSecond = streams * _vae.LatentChannels * (mels / down) * (double)_frontEnd.SampleRate / (_frontEnd.HopLength * down);
        return new BitrateReport(input.DurationSeconds, input.SampleRate, input.Channels, streams, stats.Values,
            valuesPerSecond, stats.EntropyBits(), writer.HeaderBytes, writer.BytesWritten, stats.ZstdBytes()) { ModelSampleRate = _frontEnd.SampleRate };
    }

    private EncoderInput Measure(WindowedLatentEncoder encoder, Func<IAudioReader> open, ChannelMode channels, int window, int overlap, string sourceName)
    {
        int down = _vae.Downsample;
        if (window % down != 0 || overlap % down != 0 || overlap >= window || overlap < 0)
            throw new InvalidInputException($"window {window} and overlap {overlap} mel frames must be multiples of {down} with overlap < window");
        return encoder.Measure(open, channels, sourceName);
    }

    private LatentFileHeader Header(WindowedLatentEncoder encoder, EncoderInput input, LatentCodecOptions options) =>
        new(Model, input.SampleRate, input.Channels, options.Channels, input.Frames, input.Levels,
            _frontEnd.SampleRate, _frontEnd.HopLength, _frontEnd.MelBins, _vae.LatentChannels, _vae.Downsample, encoder.MelFrames(input.ModelSamples, options.WindowMelFrames),
            options.WindowMelFrames, options.OverlapMelFrames, options.Quantiser.Mode, (float)options.Quantiser.Value,
            options.PrecisionBits, options.ModelPolicy);

    /// <summary>
    /// The ceiling of the rate–distortion curve: the same windows and cross-fade, but the float32 posterior mean
    /// goes straight to the decoder (no quantisation, no file). Returns the header the file would have and one
    /// log-mel [T, MelBins] per stream (FileBytes 0), ready for <see cref="MelsToAudio"/>.
    /// </summary>
    public DecodedLatentFile UnquantisedMels(AudioBuffer audio, ChannelMode channels = ChannelMode.Mix, string sourceName = "input")
    {
        audio.EnsureFinite(sourceName);
        var options = new LatentCodecOptions(QuantiserSettings.FixedStep(1.0), channels);
        var encoder = new WindowedLatentEncoder(_vae, _frontEnd);
        IAudioReader Open() => new BufferAudioReader(audio);
        var input = Measure(encoder, Open, channels, options.WindowMelFrames, options.OverlapMelFrames, sourceName);
        var h = Header(encoder, input, options);
        var owned = encoder.Encode(Open, input, h.Plan(), sourceName);
        return new DecodedLatentFile(h, CollectMels(h, new StreamingMelDecoder(_vae, h.Layout).Decode(owned)), 0);
    }

    /// <summary>Reads a latent file and decodes it to log-mel, refusing files made by another model.</summary>
    public DecodedLatentFile DecodeMel(Stream input, string name)
    {
        var reader = OpenChecked(input, name);
        var mels = CollectMels(reader.Header, DecodeMelBlocks(reader));
        return new DecodedLatentFile(reader.Header, mels, reader.BytesRead);
    }

    /// <summary>Opens a latent file and checks that this codec's model made it (before any chunk is read).</summary>
    public LatentFileReader OpenChecked(Stream input, string name)
    {
        var reader = LatentFileReader.Open(input, name);
        var h = reader.Header;
        if (!h.Model.SameWeights(Model))
            throw new InvalidInputException($"{name}: was encoded with model {h.Model} but the decoder was given model {Model}; load the model that encoded it") { Remedy = Remedy.ChooseModel };
        if (h.LatentChannels != _vae.LatentChannels || h.Downsample != _vae.Downsample || h.MelBins != _frontEnd.MelBins
            || h.HopLength != _frontEnd.HopLength || h.CodedSampleRate != _frontEnd.SampleRate)
            throw InvalidInputException.ForFile(name, $"latent layout ({h.LatentChannels} ch, /{h.Downsample}, {h.MelBins} mels, hop {h.HopLength}, {h.CodedSampleRate} Hz) does not match the decoder's model");
        long taps = Resampler.KernelTaps(h.CodedSampleRate, h.SampleRate);
        if (taps > MaxResamplerTaps)
            throw InvalidInputException.ForFile(name, $"sample rate {h.SampleRate} Hz is implausible: resampling {h.CodedSampleRate} Hz to it needs a polyphase filter of {taps} taps");
        return reader;
    }

    /// <summary>
    /// Bound on <see cref="Resampler.KernelTaps"/> for a file's output rate, tighter than the resampler's own: every
    /// common rate needs under 10^4 taps from 16 kHz (44.1 kHz: 441 phases × 14), an odd one such as 47,999 Hz
    /// 6.7·10^5; a forged prime rate such as 767,999 Hz (10.8·10^6) would make the decoder hold ~100 MB of kernels
    /// for a file of a few hundred bytes.
    /// </summary>
    private const long MaxResamplerTaps = 1L << 22;

    /// <summary>The file's cross-faded log-mel, block by block as its chunks are read (bounded memory).</summary>
    public IEnumerable<MelBlock> DecodeMelBlocks(LatentFileReader reader) =>
        new StreamingMelDecoder(_vae, reader.Header.Layout).Decode(reader.ReadWindows().Select(w => new OwnedLatent(w.StreamIndex, w.Window, w.Owned)));

    /// <summary>
    /// The whole mel in memory (short files, rd). Buffers grow with the frames that really decode, never to a size
    /// the header merely claims, so a damaged file fails before it can make this allocate much.
    /// </summary>
    private static Tensor[] CollectMels(LatentFileHeader h, IEnumerable<MelBlock> blocks)
    {
        var data = Enumerable.Range(0, h.Streams.Length).Select(_ => new GrowingBuffer()).ToArray();
        foreach (var b in blocks)
            for (int s = 0; s < data.Length; s++) data[s].Append(b.Streams[s]);
        return data.Select(d => new Tensor(d.ToArray(), h.MelFrames, h.MelBins)).ToArray();
    }

    /// <summary>
    /// Full decode to audio, streamed: chunks are read, decoded to mel, vocoded (<paramref name="vocode"/>: log-mel
    /// [T, MelBins] → samples at the model rate), restored to the original level, rate and exact length, and handed
    /// to <paramref name="write"/> (planar channels, frame count) block by block. Returns the header.
    /// </summary>
    public LatentFileHeader DecodeTo(LatentFileReader reader, Func<Tensor, float[]> vocode, Action<float[][], int> write,
        CrossfadeShape shape = CrossfadeShape.Linear)
    {
        var assembler = new DecodedAudioAssembler(reader.Header.Layout, reader.Header.Target, _frontEnd, vocode, write, shape);
        foreach (var block in DecodeMelBlocks(reader)) assembler.Push(block);
        assembler.Finish();
        return reader.Header;
    }

    /// <summary>Full decode to an in-memory buffer (short files; the CLI streams with <see cref="DecodeTo"/>).</summary>
    public AudioBuffer DecodeAudio(Stream input, string name, Func<Tensor, float[]> vocode)
    {
        var reader = OpenChecked(input, name);
        var sink = new PlanarCollector(reader.Header);
        DecodeTo(reader, vocode, sink.Write);
        return sink.ToBuffer();
    }

    /// <summary>Vocodes decoded mels and restores level, rate and exact length from the header.</summary>
    public AudioBuffer MelsToAudio(DecodedLatentFile decoded, Func<Tensor, float[]> vocode)
    {
        var h = decoded.Header;
        var sink = new PlanarCollector(h);
        var assembler = new DecodedAudioAssembler(h.Layout, h.Target, _frontEnd, vocode, sink.Write);
        assembler.Push(new MelBlock(0, h.MelFrames, decoded.Mels.Select(m => m.Data).ToArray()));
        assembler.Finish();
        return sink.ToBuffer();
    }

    /// <summary>Collects streamed output into one buffer of the header's exact length.</summary>
    private sealed class PlanarCollector(LatentFileHeader h)
    {
        private readonly GrowingBuffer[] _channels = Enumerable.Range(0, h.Streams.Length).Select(_ => new GrowingBuffer()).ToArray();

        public void Write(float[][] planar, int count)
        {
            for (int c = 0; c < _channels.Length; c++) _channels[c].Append(planar[c].AsSpan(0, count));
        }

        public AudioBuffer ToBuffer() => new(_channels.Select(c => c.ToArray()).ToArray(), h.SampleRate);
    }

    /// <summary>A float list that doubles as data arrives.</summary>
    private sealed class GrowingBuffer
    {
        private float[] _data = new float[4096];
        private int _count;

        public void Append(ReadOnlySpan<float> values)
        {
            if ((long)_count + values.Length > Array.MaxLength) throw new InvalidInputException("decoded signal is too long to hold in memory; decode it to a file instead");
            if (_count + values.Length > _data.Length)
                Array.Resize(ref _data, (int)Math.Min(Array.MaxLength, Math.Max(_count + (long)values.Length, 2L * _data.Length)));
            values.CopyTo(_data.AsSpan(_count));
            _count += values.Length;
        }

        public float[] ToArray() => _count == _data.Length ? _data : _data.AsSpan(0, _count).ToArray();
    }
}
