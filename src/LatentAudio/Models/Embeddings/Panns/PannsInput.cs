using LatentAudio.Audio;
using LatentAudio.Dsp;

namespace LatentAudio.Models.Embeddings.Panns;

/// <summary>
/// The waveform audioldm_eval's FD feeds CNN14 for one file (haoheliu/audioldm_eval @
/// 8dc07ee7c42f9dc6e295460a1034175a0d49b436, audioldm_eval/datasets/load_mel.py <c>WaveDataset.read_from_file</c>):
/// the first channel only, its mean removed (before resampling), resampled to 16 kHz by
/// torchaudio.functional.resample's defaults (<see cref="Resampler"/>), then zero-padded at the end to at least
/// 32000 samples (<c>pad_short_audio</c>). The whole clip goes through the network at once: one vector per file,
/// no segmenting, no level normalisation.
/// </summary>
internal static class PannsInput
{
    public const int SampleRate = 16000;
    public const int MinimumSamples = 32000; // load_mel.py pad_short_audio(audio, min_samples=32000)

    /// <summary>The 16 kHz waveform, or null for an empty clip (WaveDataset refuses files with no samples).</summary>
    public static float[]? Prepare(AudioBuffer audio)
    {
        var first = audio.Channel(0);
        if (first.Length == 0) return null;
        var centred = RemoveMean(first);
        var resampled = audio.SampleRate == SampleRate ? centred : Resampler.Resample(centred, audio.SampleRate, SampleRate);
        if (resampled.Length >= MinimumSamples) return resampled;
        var padded = new float[MinimumSamples];
        resampled.CopyTo(padded, 0);
        return padded;
    }

    // torch's float32 `audio - audio.mean()`: the mean rounded to float32, the difference in float32.
    private static float[] RemoveMean(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (var v in x) sum += v;
        float mean = (float)(sum / x.Length);
        var result = new float[x.Length];
        System.Numerics.Tensors.TensorPrimitives.Subtract(x, mean, result);
        return result;
    }
}
