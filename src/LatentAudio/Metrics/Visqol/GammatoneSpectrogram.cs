using System.Numerics;

namespace LatentAudio.Metrics.Visqol;

/// <summary>
/// The ViSQOL "spectrogram": every frame (80 ms, hop a quarter of that: Hines et al. 2015; google/visqol
/// `analysis_window.h`, `visqol_manager.cc` kOverlap) is Hann-windowed, run through the gammatone filterbank from rest,
/// and reduced to the RMS of each band's output.
/// </summary>
internal static class GammatoneSpectrogram
{
    public const double WindowSeconds = 0.08;
    public const double Overlap = 0.25;

    public static int WindowSize(int sampleRate) => (int)Math.Round(sampleRate * WindowSeconds, MidpointRounding.AwayFromZero);
    public static int Hop(int sampleRate) => (int)(WindowSize(sampleRate) * Overlap);

    public static BandSpectrogram Build(ReadOnlySpan<double> signal, GammatoneFilterbank bank)
    {
        int size = WindowSize(bank.SampleRate), hop = Hop(bank.SampleRate);
        if (signal.Length <= size)
            throw new InvalidInputException($"ViSQOL: too few samples ({signal.Length}) to build a spectrogram ({size + 1} needed)");
        int frames = 1 + (signal.Length - size) / hop;
        var result = new BandSpectrogram(bank.Bands, frames);

        var hann = new double[size];
        for (int i = 0; i < size; i++) hann[i] = 0.5 - 0.5 * Math.Cos(2.0 * Math.PI * i / (size - 1));

        var sections = new BandSections(bank);
        var windowed = new double[size];
        var rms = new double[sections.Groups * Vector<double>.Count];
        for (int f = 0; f < frames; f++)
        {
            var frame = signal.Slice(f * hop, size);
            for (int i = 0; i < size; i++) windowed[i] = hann[i] * frame[i];
            sections.FrameRms(windowed, rms);
            for (int b = 0; b < bank.Bands; b++) result.Data[b * frames + f] = rms[b];
        }
        return result;
    }

    /// <summary>The filterbank's coefficients packed band-parallel, so one SIMD lane runs one band's cascade.</summary>
    private sealed class BandSections
    {
        private readonly Vector<double>[] _n0, _n1, _d1, _d2; // [group * 4 + section]

        public BandSections(GammatoneFilterbank bank)
        {
            int lanes = Vector<double>.Count;
            Groups = (bank.Bands + lanes - 1) / lanes;
            _n0 = new Vector<double>[Groups * 4]; _n1 = new Vector<double>[Groups * 4];
            _d1 = new Vector<double>[Groups * 4]; _d2 = new Vector<double>[Groups * 4];
            var n0 = new double[lanes]; var n1 = new double[lanes]; var d1 = new double[lanes]; var d2 = new double[lanes];
            for (int g = 0; g < Groups; g++)
                for (int s = 0; s < 4; s++)
                {
                    for (int l = 0; l < lanes; l++)
                    {
                        int band = g * lanes + l;
                        if (band >= bank.Bands) { n0[l] = n1[l] = d1[l] = d2[l] = 0; continue; }
                        // Section 1 carries the gain normalisation (Slaney's ERBFilterBank).
                        double gain = s == 0 ? bank.Gain[band] : 1.0;
                        n0[l] = s == 0 ? bank.Numerator0 / gain : bank.Numerator0;
                        n1[l] = s == 0 ? bank.Numerator1[band][0] / gain : bank.Numerator1[band][s];
                        d1[l] = bank.Denominator[band][0];
                        d2[l] = bank.Denominator[band][1];
                    }
                    _n0[g * 4 + s] = new Vector<double>(n0); _n1[g * 4 + s] = new Vector<double>(n1);
                    _d1[g * 4 + s] = new Vector<double>(d1); _d2[g * 4 + s] = new Vector<double>(d2);
                }
        }

        public int Groups { get; }

        /// <summary>RMS of every band's response to <paramref name="frame"/>, filters starting from rest.</summary>
        public void FrameRms(ReadOnlySpan<double> frame, Span<double> rms)
        {
            int lanes = Vector<double>.Count;
            for (int g = 0; g < Groups; g++)
            {
                int k = g * 4;
                Vector<double> a0 = _n0[k], a1 = _n1[k], b0 = _n0[k + 1], b1 = _n1[k + 1];
                Vector<double> c0 = _n0[k + 2], c1 = _n1[k + 2], e0 = _n0[k + 3], e1 = _n1[k + 3];
                Vector<double> p1 = _d1[k], p2 = _d2[k]; // denominator shared by the four sections
                // Transposed direct form II state; the third numerator tap is zero so z1 = -d2*y.
                Vector<double> sa0 = default, sa1 = default, sb0 = default, sb1 = default;
                Vector<double> sc0 = default, sc1 = default, se0 = default, se1 = default;
                Vector<double> acc = default;
                for (int i = 0; i < frame.Length; i++)
                {
                    var x = new Vector<double>(frame[i]);
                    var y = a0 * x + sa0;
                    sa0 = a1 * x + sa1 - p1 * y; sa1 = -(p2 * y);
                    x = y;
                    y = b0 * x + sb0;
                    sb0 = b1 * x + sb1 - p1 * y; sb1 = -(p2 * y);
                    x = y;
                    y = c0 * x + sc0;
                    sc0 = c1 * x + sc1 - p1 * y; sc1 = -(p2 * y);
                    x = y;
                    y = e0 * x + se0;
                    se0 = e1 * x + se1 - p1 * y; se1 = -(p2 * y);
                    acc += y * y;
                }
                for (int l = 0; l < lanes; l++) rms[g * lanes + l] = Math.Sqrt(acc[l] / frame.Length);
            }
        }
    }
}
