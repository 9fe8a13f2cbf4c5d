using System.Numerics.Tensors;
using LatentAudio.Audio;

namespace LatentAudio.Metrics.Loudness;

/// <summary>
/// Integrated loudness, ITU-R BS.1770-4 / EBU R128, in LUFS: K-weighting, mean square in 400 ms blocks with 75 %
/// overlap, channel weights 1, 1, 1, 1.41, 1.41, absolute gate -70 LUFS, relative gate -10 LU. Block boundaries
/// and count follow pyloudnorm v0.2.0 (`meter.py` `integrated_loudness`) exactly, so with
/// <see cref="KWeightingDesign.PyloudnormDefault"/> it reproduces pyloudnorm's default numbers.
/// </summary>
public sealed class LoudnessMeter(int sampleRate, KWeightingDesign design = KWeightingDesign.Itu)
{
    private const double BlockSeconds = 0.4, Overlap = 0.75, AbsoluteGate = -70.0;
    private static readonly double[] ChannelGains = [1.0, 1.0, 1.0, 1.41, 1.41];

    public int SampleRate { get; } = sampleRate;
    public KWeightingDesign Design { get; } = design;

    public double Integrated(AudioBuffer audio)
    {
        if (audio.SampleRate != SampleRate) throw new ArgumentException($"meter built for {SampleRate} Hz given {audio.SampleRate} Hz");
        return Integrated(audio.Channels.Select(ToDouble).ToArray(), filterInPlace: true);
    }

    /// <summary>Loudness of planar channels (at most 5: L, R, C, Ls, Rs); returns -inf when every block is gated.</summary>
    public double Integrated(IReadOnlyList<double[]> channels) => Integrated(channels, filterInPlace: false);

    private static double[] ToDouble(float[] channel)
    {
        var d = new double[channel.Length];
        for (int i = 0; i < d.Length; i++) d[i] = channel[i];
        return d;
    }

    // filterInPlace: the channels are the caller's own copies, so K-weighting may overwrite them.
    private double Integrated(IReadOnlyList<double[]> channels, bool filterInPlace)
    {
        if (channels.Count is 0 or > 5) throw new MetricUnavailableException($"BS.1770 takes 1 to 5 channels, got {channels.Count}");
        int n = channels[0].Length;
        double seconds = (double)n / SampleRate;
        if (seconds < BlockSeconds) throw new MetricUnavailableException($"loudness needs at least {BlockSeconds} s of audio (got {seconds:0.###} s)");
        var (shelf, highPass) = KWeighting.Design(SampleRate, Design);
        double step = 1 - Overlap;
        // numpy round (half to even), as pyloudnorm.
        int blocks = (int)Math.Round((seconds - BlockSeconds) / (BlockSeconds * step), MidpointRounding.ToEven) + 1;
        var z = new double[channels.Count, blocks];
        for (int c = 0; c < channels.Count; c++)
        {
            var x = filterInPlace ? channels[c] : (double[])channels[c].Clone();
            shelf.Apply(x);
            highPass.Apply(x);
            for (int j = 0; j < blocks; j++)
            {
                int lo = (int)(BlockSeconds * (j * step) * SampleRate);
                int hi = Math.Min(n, (int)(BlockSeconds * (j * step + 1) * SampleRate));
                double ss = TensorPrimitives.SumOfSquares<double>(x.AsSpan(lo, Math.Max(0, hi - lo)));
                z[c, j] = 1.0 / (BlockSeconds * SampleRate) * ss;
            }
        }
        var blockLoudness = new double[blocks];
        for (int j = 0; j < blocks; j++)
        {
            double s = 0;
            for (int c = 0; c < channels.Count; c++) s += ChannelGains[c] * z[c, j];
            blockLoudness[j] = -0.691 + 10.0 * Math.Log10(s);
        }
        double relativeGate = GatedLoudness(z, blockLoudness, l => l >= AbsoluteGate) - 10.0;
        return GatedLoudness(z, blockLoudness, l => l > relativeGate && l >= AbsoluteGate);
    }

    private static double GatedLoudness(double[,] z, double[] blockLoudness, Func<double, bool> pass)
    {
        int channels = z.GetLength(0);
        double total = 0;
        int count = 0;
        var mean = new double[channels];
        for (int j = 0; j < blockLoudness.Length; j++)
        {
            if (!pass(blockLoudness[j])) continue;
            count++;
            for (int c = 0; c < channels; c++) mean[c] += z[c, j];
        }
        if (count == 0) return double.NegativeInfinity;
        for (int c = 0; c < channels; c++) total += ChannelGains[c] * mean[c] / count;
        return -0.691 + 10.0 * Math.Log10(total);
    }
}
