using LatentAudio.Audio;
using LatentAudio.Tensors;

namespace LatentAudio.Dsp;

/// <summary>
/// AudioLDM2's audio front-end: channel choice, resampling to the model rate, level normalisation, the log-mel, and
/// the frame framing the VAE needs. <see cref="ReferenceFbank"/> is AudioLDM2's <c>wav_to_fbank</c> to the letter
/// (<c>audioldm2/utilities/audio/tools.py</c>); the other members are the building blocks for arbitrary-length
/// reconstruction.
/// </summary>
public sealed class AudioLdmFrontEnd
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
    /// The waveform zero-padded at the end so that its frame count is a multiple of <see cref="MelConfig.FrameMultiple"/>.
    /// Padding happens here, in the waveform, because zeros in the log-mel domain would be loud (silence is ln 1e-5).
    /// </summary>
    public float[] PadToFrameMultiple(ReadOnlySpan<float> normalized)
    {
        int frames = Config.FrameCount(normalized.Length), m = Config.FrameMultiple;
        if (frames % m == 0) return normalized.ToArray();
        int want = (frames / m + 1) * m;
        // floor(N'/hop) + 1 = want  <=>  N' in [(want-1)*hop, want*hop); the smallest is enough.
        long samples = (long)(want - 1) * Config.Hop;
        var padded = new float[checked((int)samples)];
        normalized.CopyTo(padded);
        return padded;
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
}
