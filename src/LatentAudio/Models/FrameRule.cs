namespace LatentAudio.Models;

/// <summary>
/// The one frame rule (AudioLDM2 <c>audioldm2/utilities/audio/tools.py</c> read_wav_file -> pad_wav, then
/// wav_to_fbank's _pad_spec): a model-rate signal of N samples becomes T = max(window, ceil(N / hop) rounded up to
/// the VAE's factor) mel frames. The normalised waveform is zero-padded to T·hop samples (never the log-mel: zeros
/// there would be loud, silence is ln 1e-5), its centred STFT gives T + 1 frames and the last is dropped, as
/// wav_to_fbank crops 1025 frames to 1024. An input shorter than one window is therefore one zero-padded 10.24 s
/// window, exactly the reference's input (the VAE's mid-block attention is global, so the padded length matters).
/// </summary>
public static class FrameRule
{
    /// <summary>Mel frames T for <paramref name="samples"/> model-rate samples.</summary>
    public static long MelFrames(long samples, int hop, int downsample, int windowFrames)
    {
        long needed = Math.Max(1, (samples + hop - 1) / hop);
        long rounded = (needed + downsample - 1) / downsample * downsample;
        return Math.Max(windowFrames, rounded);
    }

    /// <summary>Length of the zero-padded waveform the mel is computed from: T·hop.</summary>
    public static long PaddedSamples(long melFrames, int hop) => melFrames * hop;
}
