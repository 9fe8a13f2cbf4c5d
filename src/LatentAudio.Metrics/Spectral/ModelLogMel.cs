using LatentAudio.Dsp;

namespace LatentAudio.Metrics.Spectral;

/// <summary>
/// The AudioLDM2 model-domain log-mel used by logmel_corr: ln(max(melfb_slaney(16000, 1024, 64, 0, 8000) |STFT|,
/// 1e-5)) with n_fft 1024, hop 160, periodic Hann 1024, centred reflect padding (notes/audioldm2-pipeline.md
/// section 1, steps 4-6). Kept in this one place so it can be switched to <c>LatentAudio.Dsp.LogMelSpectrogram</c>.
/// Computed on the pair's signals as they are (no peak normalisation: the correlation does not depend on gain
/// except through the 1e-5 floor).
/// </summary>
public static class ModelLogMel
{
    public const int SampleRate = 16000, Mels = 64;
    public const double Floor = 1e-5;

    public static Spectrogram Compute(MetricPair pair, bool reference)
    {
        if (pair.SampleRate != SampleRate) throw new ArgumentException("model-domain log-mel runs at 16 kHz");
        var mag = reference ? pair.ReferenceMagnitude(SpectralMetrics.Linear) : pair.DegradedMagnitude(SpectralMetrics.Linear);
        var mel = pair.Cached("logmel:bank", () => new SparseMel(SampleRate, 1024, Mels, 0, 8000)).Apply(mag);
        var d = mel.Data;
        for (int i = 0; i < d.Length; i++) d[i] = Math.Log(Math.Max(d[i], Floor));
        return mel;
    }
}
