using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Tensors;

namespace LatentAudio.Models.AudioLdm;

/// <summary>
/// AudioLDM2's audio front-end, owned by the model (<see cref="AudioLdmModel"/>): channel choice, resampling to the
/// model rate, level normalisation and the log-mel. <see cref="ReferenceFbank"/> is AudioLDM2's <c>wav_to_fbank</c>
/// to the letter (<c>audioldm2/utilities/audio/tools.py</c>); the <see cref="IMelFrontEnd"/> members are the same
/// arithmetic block by block for the streaming engine: the level meter runs numpy's float32 pairwise mean over the
/// streamed samples, and a range of mel frames is computed from a segment that starts on an even frame (the STFT
/// codes two frames per complex FFT, so pairs must line up) and reaches half an FFT past the last frame needed, or
/// to the signal's own edges where the reflect padding happens. How many frames a signal gets is the engine's
/// <c>FrameRule</c>.
/// </summary>
public sealed class AudioLdmFrontEnd : IMelFrontEnd
{
    private readonly LogMelSpectrogram _mel;

    public AudioLdmFrontEnd(MelConfig config)
    {
        _mel = new LogMelSpectrogram(config);
        Config = config;
    }

    public MelConfig Config { get; }

    public LogMelSpectrogram Spectrogram => _mel;

    /// <summary>Mean removal and peak 0.5 (normalize_wav), then clip to [-1, 1].</summary>
    public NormalizedAudio Normalize(ReadOnlySpan<float> mono) => NormalizedAudio.From(mono);

    /// <summary>Log-mel [T, NMels] of an already normalised waveform at the model rate; T = floor(N / hop) + 1.</summary>
    public Tensor LogMel(ReadOnlySpan<float> normalized) => _mel.Compute(normalized);

    /// <summary>
    /// The model-domain log-mel of a whole normalised signal, framed by <see cref="FrameRule"/> (zero-padded to
    /// T·hop samples, T + 1 frames cropped to T): [T, NMels], exactly the frames the streaming engine gives the VAE.
    /// </summary>
    public Tensor ModelMel(ReadOnlySpan<float> normalized)
    {
        long frames = FrameRule.MelFrames(normalized.Length, Config.Hop, Config.FrameMultiple, Config.TargetFrames);
        var padded = new float[checked((int)FrameRule.PaddedSamples(frames, Config.Hop))];
        normalized.CopyTo(padded);
        var mel = LogMel(padded);
        return new Tensor(mel.Data.AsSpan(0, (int)frames * Config.NMels).ToArray(), (int)frames, Config.NMels);
    }

    /// <summary>
    /// The mono waveforms a model runs on, at <see cref="MelConfig.SampleRate"/>: channel 0 (First, what the reference
    /// does), the channel mean (Mix), or every channel on its own (Each). Not yet normalised.
    /// </summary>
    public IReadOnlyList<float[]> ModelChannels(AudioBuffer audio, ChannelMode mode)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var parts = audio.Split(mode);
        if (audio.SampleRate == Config.SampleRate) return parts.Select(p => p.Channel(0)).ToArray();
        var resampler = new Resampler(audio.SampleRate, Config.SampleRate);
        return parts.Select(p => resampler.Process(p.Channel(0))).ToArray();
    }

    /// <summary>
    /// The waveform AudioLDM2's wav_to_fbank hands to the STFT (golden <c>*.stft_input.npy</c>): channel 0, resampled,
    /// normalize_wav, zero-padded at the end to TargetFrames * hop samples (longer input is NOT cropped: pad_wav slices
    /// the channel axis, so only the frames get cropped later), normalised to peak 0.5 again, clipped to [-1, 1].
    /// Digital silence stays all zeros (the reference divides 0 by 0 here and asserts on the NaN).
    /// </summary>
    public float[] ReferenceWaveform(AudioBuffer audio)
    {
        var x = ModelChannels(audio, ChannelMode.First)[0];
        var first = NormalizedAudio.From(x).Samples;
        int n = Math.Max(first.Length, Config.TargetSamples);
        float peak = 0;
        foreach (var v in first) peak = Math.Max(peak, Math.Abs(v));
        // tools.py read_wav_file: waveform / np.max(np.abs(waveform)) * 0.5, in float64 (pad_wav made a float64
        // array), then torch.FloatTensor rounds to float32 and get_mel_from_wav clips.
        var y = new float[n];
        if (peak > 0)
            for (int i = 0; i < first.Length; i++) y[i] = (float)Math.Clamp(first[i] / (double)peak * NormalizedAudio.TargetPeak, -1.0, 1.0);
        return y;
    }

    /// <summary>
    /// AudioLDM2 wav_to_fbank(…, target_length = TargetFrames): <see cref="ReferenceWaveform"/>, log-mel, then the
    /// frames cropped (or zero-padded, _pad_spec) to TargetFrames → [TargetFrames, NMels] ([1024, 64] at 16 kHz).
    /// Silence gives ln(LogFloor) everywhere instead of the reference's NaN/AssertionError.
    /// </summary>
    public Tensor ReferenceFbank(AudioBuffer audio)
    {
        var mel = _mel.Compute(ReferenceWaveform(audio));
        int nMels = Config.NMels, frames = mel.Shape[0], keep = Math.Min(frames, Config.TargetFrames);
        var data = new float[Config.TargetFrames * nMels];
        // _pad_spec pads missing frames with 0 in the log domain; unreachable after the waveform padding above.
        Array.Copy(mel.Data, data, (long)keep * nMels);
        return new Tensor(data, Config.TargetFrames, nMels);
    }

    // The streaming engine's view (IMelFrontEnd).

    public int SampleRate => Config.SampleRate;
    public int HopLength => Config.Hop;
    public int MelBins => Config.NMels;

    NormalizedSignal IMelFrontEnd.Normalize(ReadOnlySpan<float> samples)
    {
        var n = Normalize(samples);
        return new NormalizedSignal(n.Samples, n.Mean, n.Scale);
    }

    public float[] Restore(ReadOnlySpan<float> normalized, double mean, double scale) =>
        new NormalizedAudio([], mean, scale).Restore(normalized);

    public ILevelMeter MeasureLevel(long totalSamples) => new Meter(totalSamples);

    /// <summary>NormalizedAudio.From's arithmetic (<see cref="LevelNormalizer.Apply"/>).</summary>
    public void NormalizeBlock(ReadOnlySpan<float> samples, double mean, double scale, Span<float> destination) =>
        Normalizer(mean, scale).Apply(samples, destination);

    /// <summary>
    /// The normaliser behind a stored (Mean, Scale): Mean is a binary32 value, and Scale = 0.5 / denominator was
    /// computed in binary64 from the binary32 denominator, so dividing back and rounding recovers it exactly.
    /// </summary>
    private static LevelNormalizer Normalizer(double mean, double scale) =>
        new((float)mean, (float)(NormalizedAudio.TargetPeak / scale));

    public (long Start, long End) MelSupport(long firstFrame, int count, long totalSamples)
    {
        int hop = Config.Hop, half = Config.NFft / 2;
        long first = firstFrame - (half + hop - 1) / hop;
        first -= ((first % 2) + 2) % 2;             // the segment's first frame keeps the STFT's pairing (even)
        long start = Math.Max(0, first * hop);
        // up to the frame after the last one asked for: it shares an FFT with it and must see the same samples
        long end = Math.Min(totalSamples, (firstFrame + count) * hop + half);
        return (start, end);
    }

    public Tensor LogMelFrames(ReadOnlySpan<float> support, long supportStart, long totalSamples, long firstFrame, int count)
    {
        int hop = Config.Hop, mels = Config.NMels;
        if (supportStart % (2L * hop) != 0) throw new ArgumentException("the support must start on an even frame");
        var mel = LogMel(support);
        long skip = firstFrame - supportStart / hop;
        if (skip < 0 || skip + count > mel.Shape[0]) throw new ArgumentException("the support does not cover the frames asked for");
        var data = new float[count * mels];
        Array.Copy(mel.Data, skip * mels, data, 0, (long)count * mels);
        return new Tensor(data, count, mels);
    }

    /// <summary>numpy's pairwise float32 mean and the extremes, streamed (<see cref="LevelStatistics"/>).</summary>
    private sealed class Meter(long total) : ILevelMeter
    {
        private readonly LevelStatistics _stats = new(total);

        public void Add(ReadOnlySpan<float> samples) => _stats.Add(samples);

        public (double Mean, double Scale) Finish()
        {
            var level = _stats.Result();
            return (level.Mean, level.Scale);
        }
    }
}
