namespace LatentAudio.Metrics.Spectral;

/// <summary>A magnitude spectrogram, frame-major and flat: value (t, k) at <c>Data[t * Bins + k]</c>.</summary>
public sealed class Spectrogram(double[] data, int frames, int bins)
{
    public double[] Data { get; } = data;
    public int Frames { get; } = frames;
    public int Bins { get; } = bins;

    public ReadOnlySpan<double> Frame(int t) => Data.AsSpan(t * Bins, Bins);
}
