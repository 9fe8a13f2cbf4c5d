using LatentAudio.Tensors;

namespace LatentAudio.Codec;

/// <summary>A front-end's normalised signal and what its <see cref="IMelFrontEnd.Restore"/> needs to undo it.</summary>
public sealed record NormalizedSignal(float[] Samples, double Mean, double Scale);

/// <summary>
/// The audio front-end the codec needs, kept as its own small interface so the codec compiles without the DSP
/// code; <see cref="DelegateMelFrontEnd"/> adapts the real <c>LatentAudio.Dsp.AudioLdmFrontEnd</c>.
/// </summary>
public interface IMelFrontEnd
{
    /// <summary>Rate the model runs at (16 kHz for AudioLDM2).</summary>
    int SampleRate { get; }
    /// <summary>Samples per mel frame (160).</summary>
    int HopLength { get; }
    int MelBins { get; }
    /// <summary>Log-mel value of silence, used to pad to a multiple of the VAE's downsampling (ln 1e-5).</summary>
    float SilenceLogMel { get; }
    /// <summary>DC removal + level normalisation of mono samples at <see cref="SampleRate"/>.</summary>
    NormalizedSignal Normalize(ReadOnlySpan<float> samples);
    /// <summary>Undoes <see cref="Normalize"/> on decoded samples.</summary>
    float[] Restore(ReadOnlySpan<float> normalized, double mean, double scale);
    /// <summary>Natural-log mel of normalised samples, time-major [T, MelBins].</summary>
    Tensor LogMel(ReadOnlySpan<float> normalized);
}

/// <summary>An <see cref="IMelFrontEnd"/> made of delegates (how the integrator plugs in AudioLdmFrontEnd).</summary>
public sealed class DelegateMelFrontEnd(
    int sampleRate, int hopLength, int melBins,
    Func<float[], NormalizedSignal> normalize,
    Func<float[], double, double, float[]> restore,
    Func<float[], Tensor> logMel,
    float silenceLogMel = -11.512925f) : IMelFrontEnd
{
    public int SampleRate => sampleRate;
    public int HopLength => hopLength;
    public int MelBins => melBins;
    public float SilenceLogMel => silenceLogMel;
    public NormalizedSignal Normalize(ReadOnlySpan<float> samples) => normalize(samples.ToArray());
    public float[] Restore(ReadOnlySpan<float> normalized, double mean, double scale) => restore(normalized.ToArray(), mean, scale);
    public Tensor LogMel(ReadOnlySpan<float> normalized) => logMel(normalized.ToArray());
}
