using LatentAudio.Tensors;

namespace LatentAudio.Models;

/// <summary>A front-end's normalised signal and what its <see cref="IMelFrontEnd.Restore"/> needs to undo it.</summary>
public sealed record NormalizedSignal(float[] Samples, double Mean, double Scale);

/// <summary>
/// Measures the level a front-end's <see cref="IMelFrontEnd.Normalize"/> would remove, from samples streamed in
/// order (a first pass over a long input), without holding them.
/// </summary>
public interface ILevelMeter
{
    /// <summary>The next samples of the signal, in order.</summary>
    void Add(ReadOnlySpan<float> samples);
    /// <summary>Mean and Scale exactly as <see cref="IMelFrontEnd.Normalize"/> gives them for the whole signal.</summary>
    (double Mean, double Scale) Finish();
}

/// <summary>
/// The audio front-end the codec needs, kept as its own small interface so the codec does not depend on one DSP
/// implementation (tests use a cheap fake); the model's <c>AudioLdmFrontEnd</c> is the real one. Besides the
/// whole-signal members, it computes everything block by block (level measured in one pass, normalisation per
/// block, any range of log-mel frames from the samples around it), so long inputs are never held whole; the block
/// members give bit-identical values to the whole-signal ones.
/// </summary>
public interface IMelFrontEnd
{
    /// <summary>Rate the model runs at (16 kHz for AudioLDM2).</summary>
    int SampleRate { get; }
    /// <summary>Samples per mel frame (160).</summary>
    int HopLength { get; }
    int MelBins { get; }
    /// <summary>DC removal + level normalisation of mono samples at <see cref="SampleRate"/>.</summary>
    NormalizedSignal Normalize(ReadOnlySpan<float> samples);
    /// <summary>Undoes <see cref="Normalize"/> on decoded samples (sample by sample, so blocks may be restored separately).</summary>
    float[] Restore(ReadOnlySpan<float> normalized, double mean, double scale);
    /// <summary>Natural-log mel of normalised samples, time-major [T, MelBins].</summary>
    Tensor LogMel(ReadOnlySpan<float> normalized);

    /// <summary>Starts measuring the level of a signal of <paramref name="totalSamples"/> samples.</summary>
    ILevelMeter MeasureLevel(long totalSamples);
    /// <summary>Normalises a block with a level measured over the whole signal (the values Normalize gives there).</summary>
    void NormalizeBlock(ReadOnlySpan<float> samples, double mean, double scale, Span<float> destination);
    /// <summary>The normalised samples [Start, End) that frames [firstFrame, firstFrame + count) of the whole signal's log-mel depend on.</summary>
    (long Start, long End) MelSupport(long firstFrame, int count, long totalSamples);
    /// <summary>
    /// Frames [firstFrame, firstFrame + count) of <c>LogMel(whole signal)</c>, given the samples
    /// <see cref="MelSupport"/> names (<paramref name="support"/> starts at sample <paramref name="supportStart"/>).
    /// </summary>
    Tensor LogMelFrames(ReadOnlySpan<float> support, long supportStart, long totalSamples, long firstFrame, int count);
}
