namespace LatentAudio.Dsp;

/// <summary>
/// Every parameter of an AudioLDM-family log-mel front-end. The 16 kHz and 48 kHz model families are two instances
/// of this record, run by the same code.
/// </summary>
/// <param name="SampleRate">Model sample rate in Hz.</param>
/// <param name="NFft">FFT size (AudioLDM2 <c>filter_length</c>).</param>
/// <param name="Hop">Hop in samples: one mel frame per hop.</param>
/// <param name="WinLength">Periodic Hann window length, centred in the FFT frame.</param>
/// <param name="NMels">Mel bands (Slaney scale, Slaney area normalisation, as librosa.filters.mel).</param>
/// <param name="FMin">Lowest filterbank edge in Hz.</param>
/// <param name="FMax">Highest filterbank edge in Hz.</param>
/// <param name="LogFloor">Magnitudes are clamped to this before the natural log (AudioLDM2 <c>dynamic_range_compression</c>, clip_val 1e-5).</param>
/// <param name="TargetFrames">Frames of the reference fixed-length input (10.24 s at 16 kHz / hop 160).</param>
/// <param name="FrameMultiple">The VAE downsamples time by this factor; frame counts fed to it are multiples of it.</param>
public sealed record MelConfig(int SampleRate, int NFft, int Hop, int WinLength, int NMels, double FMin, double FMax,
    double LogFloor = 1e-5, int TargetFrames = 1024, int FrameMultiple = 4)
{
    /// <summary>
    /// AudioLDM / AudioLDM2 16 kHz models: AudioLDM2 <c>audioldm2/utils.py</c> get_basic_config() "preprocessing"
    /// (filter_length 1024, hop_length 160, win_length 1024, n_mel_channels 64, mel_fmin 0, mel_fmax 8000).
    /// </summary>
    public static MelConfig AudioLdm16k { get; } = new(16000, 1024, 160, 1024, 64, 0, 8000);

    /// <summary>
    /// The 48 kHz family (AudioLDM2 48 kHz / AudioLDM-training-finetuning 48k configs: n_fft 2048, hop 480,
    /// 256 mels, 20-24000 Hz); its VAE downsamples time by 8.
    /// </summary>
    public static MelConfig AudioLdm48k { get; } = new(48000, 2048, 480, 2048, 256, 20, 24000, FrameMultiple: 8, TargetFrames: 1024);

    public int Bins => NFft / 2 + 1;

    /// <summary>Frames of a centred STFT: floor(N / hop) + 1.</summary>
    public int FrameCount(long samples) => checked((int)(samples / Hop + 1));

    /// <summary>Samples of the reference fixed-length input (TargetFrames * Hop = 163840 at 16 kHz).</summary>
    public int TargetSamples => TargetFrames * Hop;

    public StftConfig Stft => new(NFft, Hop, WinLength);

    internal void Validate()
    {
        if (SampleRate <= 0 || NFft <= 0 || Hop <= 0 || WinLength <= 0 || WinLength > NFft || NMels <= 0
            || FMin < 0 || FMax <= FMin || !(LogFloor > 0) || TargetFrames <= 0 || FrameMultiple <= 0)
            throw new ArgumentException($"invalid mel configuration {this}");
    }
}
