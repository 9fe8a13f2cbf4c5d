using LatentAudio.Dsp;

namespace LatentAudio.Metrics.Spectral;

/// <summary>
/// The AudioLDM2 model-domain log-mel used by logmel_corr: the one log-mel implementation of the project
/// (<see cref="LogMelSpectrogram"/> with <see cref="MelConfig.AudioLdm16k"/>: ln(max(melfb_slaney(16000, 1024, 64,
/// 0, 8000) |STFT|, 1e-5)), n_fft 1024, hop 160, periodic Hann 1024, centred reflect padding; the same code the model
/// front-end runs, checked against AudioLDM2's TacotronSTFT by LogMelParityTests). Computed on the pair's signals as
/// they are (no peak normalisation: the correlation does not depend on gain except through the 1e-5 floor).
/// </summary>
public static class ModelLogMel
{
    public const int SampleRate = 16000, Mels = 64;

    public static Spectrogram Compute(MetricPair pair, bool reference)
    {
        if (pair.SampleRate != SampleRate) throw new ArgumentException("model-domain log-mel runs at 16 kHz");
        var mel = pair.Cached("logmel:model", () => new LogMelSpectrogram(MelConfig.AudioLdm16k))
            .Compute(reference ? pair.Reference : pair.Degraded);
        var data = new double[mel.Length];
        for (int i = 0; i < data.Length; i++) data[i] = mel.Data[i];
        return new Spectrogram(data, mel.Shape[0], mel.Shape[1]);
    }
}
