using System.Runtime.Intrinsics;

namespace LatentAudio.Metrics.VisqolInternals;

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
        var rms = new double[sections.Groups * sections.Lanes];
        for (int f = 0; f < frames; f++)
        {
            var frame = signal.Slice(f * hop, size);
            for (int i = 0; i < size; i++) windowed[i] = hann[i] * frame[i];
            sections.FrameRms(windowed, rms);
            for (int b = 0; b < bank.Bands; b++) result.Data[b * frames + f] = rms[b];
        }
        return result;
    }

    /// <summary>The filterbank's coefficients packed band-parallel, so one SIMD lane runs one band's cascade
    /// (8 lanes with AVX-512, else 4).</summary>
    private sealed class BandSections
    {
        private readonly int _lanes;
        private readonly double[] _n0, _n1, _d1, _nd2; // [(group * 4 + section) * lanes + lane]

        public BandSections(GammatoneFilterbank bank)
        {
            _lanes = Vector512.IsHardwareAccelerated ? 8 : 4;
            Groups = (bank.Bands + _lanes - 1) / _lanes;
            int n = Groups * 4 * _lanes;
            _n0 = new double[n]; _n1 = new double[n]; _d1 = new double[n]; _nd2 = new double[n];
            for (int band = 0; band < bank.Bands; band++)
                for (int s = 0; s < 4; s++)
                {
                    int i = ((band / _lanes) * 4 + s) * _lanes + band % _lanes;
                    // Section 1 carries the gain normalisation (Slaney's ERBFilterBank); lanes past the last band stay zero.
                    _n0[i] = s == 0 ? bank.Numerator0 / bank.Gain[band] : bank.Numerator0;
                    _n1[i] = s == 0 ? bank.Numerator1[band][0] / bank.Gain[band] : bank.Numerator1[band][s];
                    _d1[i] = bank.Denominator[band][0];
                    // Stored negated: the second state is -(d2*y), and (-d2)*y is the same number (IEEE multiplication is
                    // sign-symmetric), one instruction fewer per section and sample.
                    _nd2[i] = -bank.Denominator[band][1];
                }
        }

        public int Groups { get; }
        public int Lanes => _lanes;

        /// <summary>RMS of every band's response to <paramref name="frame"/>, filters starting from rest.</summary>
        public void FrameRms(ReadOnlySpan<double> frame, Span<double> rms)
        {
            int g = 0;
            if (_lanes == 4)
                // Two groups per pass: one group's recursion (add, multiply, subtract per sample) leaves FP ports idle that a
                // second independent cascade fills (15 % less CPU measured with AVX2). Same operations in the
                // same order per lane, so the output is bit-identical to one group at a time.
                for (; g + 1 < Groups; g += 2) Run256Pair(frame, g, rms.Slice(g * 4, 8));
            for (; g < Groups; g++)
            {
                if (_lanes == 8) Run512(frame, g, rms.Slice(g * 8, 8));
                else Run256(frame, g, rms.Slice(g * 4, 4));
            }
        }

        private void Run256Pair(ReadOnlySpan<double> frame, int g, Span<double> rms)
        {
            int k = g * 4 * 4, m = k + 16;
            var a0 = Vector256.Create<double>(_n0.AsSpan(k)); var a1 = Vector256.Create<double>(_n1.AsSpan(k));
            var b0 = Vector256.Create<double>(_n0.AsSpan(k + 4)); var b1 = Vector256.Create<double>(_n1.AsSpan(k + 4));
            var c0 = Vector256.Create<double>(_n0.AsSpan(k + 8)); var c1 = Vector256.Create<double>(_n1.AsSpan(k + 8));
            var e0 = Vector256.Create<double>(_n0.AsSpan(k + 12)); var e1 = Vector256.Create<double>(_n1.AsSpan(k + 12));
            var p1 = Vector256.Create<double>(_d1.AsSpan(k)); var p2 = Vector256.Create<double>(_nd2.AsSpan(k));
            var A0 = Vector256.Create<double>(_n0.AsSpan(m)); var A1 = Vector256.Create<double>(_n1.AsSpan(m));
            var B0 = Vector256.Create<double>(_n0.AsSpan(m + 4)); var B1 = Vector256.Create<double>(_n1.AsSpan(m + 4));
            var C0 = Vector256.Create<double>(_n0.AsSpan(m + 8)); var C1 = Vector256.Create<double>(_n1.AsSpan(m + 8));
            var E0 = Vector256.Create<double>(_n0.AsSpan(m + 12)); var E1 = Vector256.Create<double>(_n1.AsSpan(m + 12));
            var P1 = Vector256.Create<double>(_d1.AsSpan(m)); var P2 = Vector256.Create<double>(_nd2.AsSpan(m));
            Vector256<double> sa0 = default, sa1 = default, sb0 = default, sb1 = default;
            Vector256<double> sc0 = default, sc1 = default, se0 = default, se1 = default, acc = default;
            Vector256<double> tA0 = default, tA1 = default, tB0 = default, tB1 = default;
            Vector256<double> tC0 = default, tC1 = default, tE0 = default, tE1 = default, acc2 = default;
            for (int i = 0; i < frame.Length; i++)
            {
                var x = Vector256.Create(frame[i]);
                var y = a0 * x + sa0; sa0 = a1 * x + sa1 - p1 * y; sa1 = p2 * y;
                var z = A0 * x + tA0; tA0 = A1 * x + tA1 - P1 * z; tA1 = P2 * z;
                var u = y;
                y = b0 * u + sb0; sb0 = b1 * u + sb1 - p1 * y; sb1 = p2 * y;
                var v = z;
                z = B0 * v + tB0; tB0 = B1 * v + tB1 - P1 * z; tB1 = P2 * z;
                u = y;
                y = c0 * u + sc0; sc0 = c1 * u + sc1 - p1 * y; sc1 = p2 * y;
                v = z;
                z = C0 * v + tC0; tC0 = C1 * v + tC1 - P1 * z; tC1 = P2 * z;
                u = y;
                y = e0 * u + se0; se0 = e1 * u + se1 - p1 * y; se1 = p2 * y;
                v = z;
                z = E0 * v + tE0; tE0 = E1 * v + tE1 - P1 * z; tE1 = P2 * z;
                acc += y * y;
                acc2 += z * z;
            }
            for (int l = 0; l < 4; l++) { rms[l] = Math.Sqrt(acc[l] / frame.Length); rms[4 + l] = Math.Sqrt(acc2[l] / frame.Length); }
        }

        // Transposed direct form II, four sections sharing one denominator; the third numerator tap is zero so the second
        // state is just -d2*y (held as (-d2)*y). Plain multiplies and adds (no FMA), as the reference's C++ is built.
        private void Run512(ReadOnlySpan<double> frame, int g, Span<double> rms)
        {
            int k = g * 4 * 8;
            var a0 = Vector512.Create<double>(_n0.AsSpan(k)); var a1 = Vector512.Create<double>(_n1.AsSpan(k));
            var b0 = Vector512.Create<double>(_n0.AsSpan(k + 8)); var b1 = Vector512.Create<double>(_n1.AsSpan(k + 8));
            var c0 = Vector512.Create<double>(_n0.AsSpan(k + 16)); var c1 = Vector512.Create<double>(_n1.AsSpan(k + 16));
            var e0 = Vector512.Create<double>(_n0.AsSpan(k + 24)); var e1 = Vector512.Create<double>(_n1.AsSpan(k + 24));
            var p1 = Vector512.Create<double>(_d1.AsSpan(k)); var p2 = Vector512.Create<double>(_nd2.AsSpan(k));
            Vector512<double> sa0 = default, sa1 = default, sb0 = default, sb1 = default;
            Vector512<double> sc0 = default, sc1 = default, se0 = default, se1 = default, acc = default;
            for (int i = 0; i < frame.Length; i++)
            {
                var x = Vector512.Create(frame[i]);
                var y = a0 * x + sa0; sa0 = a1 * x + sa1 - p1 * y; sa1 = p2 * y; x = y;
                y = b0 * x + sb0; sb0 = b1 * x + sb1 - p1 * y; sb1 = p2 * y; x = y;
                y = c0 * x + sc0; sc0 = c1 * x + sc1 - p1 * y; sc1 = p2 * y; x = y;
                y = e0 * x + se0; se0 = e1 * x + se1 - p1 * y; se1 = p2 * y;
                acc += y * y;
            }
            for (int l = 0; l < 8; l++) rms[l] = Math.Sqrt(acc[l] / frame.Length);
        }

        private void Run256(ReadOnlySpan<double> frame, int g, Span<double> rms)
        {
            int k = g * 4 * 4;
            var a0 = Vector256.Create<double>(_n0.AsSpan(k)); var a1 = Vector256.Create<double>(_n1.AsSpan(k));
            var b0 = Vector256.Create<double>(_n0.AsSpan(k + 4)); var b1 = Vector256.Create<double>(_n1.AsSpan(k + 4));
            var c0 = Vector256.Create<double>(_n0.AsSpan(k + 8)); var c1 = Vector256.Create<double>(_n1.AsSpan(k + 8));
            var e0 = Vector256.Create<double>(_n0.AsSpan(k + 12)); var e1 = Vector256.Create<double>(_n1.AsSpan(k + 12));
            var p1 = Vector256.Create<double>(_d1.AsSpan(k)); var p2 = Vector256.Create<double>(_nd2.AsSpan(k));
            Vector256<double> sa0 = default, sa1 = default, sb0 = default, sb1 = default;
            Vector256<double> sc0 = default, sc1 = default, se0 = default, se1 = default, acc = default;
            for (int i = 0; i < frame.Length; i++)
            {
                var x = Vector256.Create(frame[i]);
                var y = a0 * x + sa0; sa0 = a1 * x + sa1 - p1 * y; sa1 = p2 * y; x = y;
                y = b0 * x + sb0; sb0 = b1 * x + sb1 - p1 * y; sb1 = p2 * y; x = y;
                y = c0 * x + sc0; sc0 = c1 * x + sc1 - p1 * y; sc1 = p2 * y; x = y;
                y = e0 * x + se0; se0 = e1 * x + se1 - p1 * y; se1 = p2 * y;
                acc += y * y;
            }
            for (int l = 0; l < 4; l++) rms[l] = Math.Sqrt(acc[l] / frame.Length);
        }
    }
}
