namespace LatentAudio.Metrics.P862;

/// <summary>
/// One signal in the layout the P.862 model works on: <see cref="PesqRateProfile.SearchBufferSamples"/> zeros,
/// the samples, the same number of zeros again plus <see cref="PesqRateProfile.DataPadding"/> zeros.
/// <see cref="Length"/> counts the samples and both search buffers (the reference's Nsamples), not the data padding.
/// </summary>
internal sealed class PesqSignal
{
    public float[] Data { get; private set; }
    public int Length { get; }

    public PesqSignal(ReadOnlySpan<float> samples, double divisor, PesqRateProfile rate)
    {
        int sb = rate.SearchBufferSamples;
        Length = samples.Length + 2 * sb;
        Data = new float[Length + rate.DataPadding];
        for (int i = 0; i < samples.Length; i++) Data[sb + i] = (float)(samples[i] / divisor);
    }

    private PesqSignal(float[] data, int length) { Data = data; Length = length; }

    public PesqSignal Clone() => new((float[])Data.Clone(), Length);

    /// <summary>Zero-extends the buffer so it holds <paramref name="totalLength"/> values (Length is unchanged).</summary>
    public void PadTo(int totalLength)
    {
        if (Data.Length < totalLength) { var d = new float[totalLength]; Data.CopyTo(d, 0); Data = d; }
    }
}
