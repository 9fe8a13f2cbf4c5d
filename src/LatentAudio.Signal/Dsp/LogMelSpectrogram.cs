using System.Numerics;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using LatentAudio.Tensors;

namespace LatentAudio.Dsp;

/// <summary>
/// The AudioLDM log-mel of a waveform, time-major [T, NMels] float32 with T = floor(N / hop) + 1:
/// reflect padding of NFft/2 on both sides, periodic Hann, |STFT| (magnitude, not power), Slaney mel filterbank,
/// ln(max(x, LogFloor)). AudioLDM2 <c>audioldm2/utilities/audio/stft.py</c> TacotronSTFT.mel_spectrogram computes
/// the same thing as a float32 conv1d; this is a float64 FFT, which is closer to the exact value than the reference
/// itself (its own float32 rounding reaches 1.5e-3 in near-silent bins, golden tolerances.json).
/// Immutable; one instance may be used from several threads.
/// </summary>
public sealed class LogMelSpectrogram
{
    private readonly FftPlan _plan;
    private readonly double[] _window;     // NFft long, the WinLength Hann centred in it
    private readonly int[] _filterStart;   // first FFT bin with a non-zero weight, per mel band
    private readonly double[][] _filters;  // the non-zero run of each band's weights

    public LogMelSpectrogram(MelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        _plan = new FftPlan(config.NFft);
        _window = new double[config.NFft];
        Windows.HannPeriodic(config.WinLength).CopyTo(_window, (config.NFft - config.WinLength) / 2);
        Filterbank = MelFilterbank.Create(config.SampleRate, config.NFft, config.NMels, config.FMin, config.FMax);
        _filterStart = new int[config.NMels];
        _filters = new double[config.NMels][];
        for (int m = 0; m < config.NMels; m++)
        {
            var row = Filterbank[m];
            int first = Array.FindIndex(row, w => w != 0), last = Array.FindLastIndex(row, w => w != 0);
            if (first < 0) { _filters[m] = []; continue; } // an empty band (too many mels for the FFT size) stays at the floor
            _filterStart[m] = first;
            _filters[m] = row.AsSpan(first, last - first + 1).ToArray().Select(w => (double)w).ToArray();
        }
    }

    public MelConfig Config { get; }

    /// <summary>The float32 filterbank [NMels][Bins], identical to librosa.filters.mel.</summary>
    public float[][] Filterbank { get; }

    /// <summary>Log-mel [T, NMels] of <paramref name="waveform"/>; T = floor(N / hop) + 1.</summary>
    public Tensor Compute(ReadOnlySpan<float> waveform)
    {
        var mel = MelMagnitude(waveform);
        int nMels = Config.NMels;
        var data = new float[mel.Length];
        double floor = Config.LogFloor;
        for (int i = 0; i < mel.Length; i++) data[i] = (float)Math.Log(Math.Max(mel[i], floor));
        return new Tensor(data, mel.Length / nMels, nMels);
    }

    /// <summary>Linear mel magnitudes (filterbank @ |STFT|), frame-major, T * NMels values.</summary>
    public double[] MelMagnitude(ReadOnlySpan<float> waveform)
    {
        int frames = Config.FrameCount(waveform.Length), bins = Config.Bins, nMels = Config.NMels;
        var mel = new double[(long)frames * nMels];
        var buf = new Complex[Config.NFft];
        var magA = new double[bins];
        var magB = new double[bins];
        // Two real frames per complex FFT: frame t in the real part, frame t+1 in the imaginary part.
        for (int t = 0; t < frames; t += 2)
        {
            bool pair = t + 1 < frames;
            FillFrames(waveform, t, pair, buf);
            _plan.Forward(buf);
            SplitMagnitudes(buf, magA, magB);
            ApplyFilterbank(magA, mel.AsSpan(t * nMels, nMels));
            if (pair) ApplyFilterbank(magB, mel.AsSpan((t + 1) * nMels, nMels));
        }
        return mel;
    }

    /// <summary>|STFT| frame-major [T][Bins] (the linear magnitude the mel is made of).</summary>
    public double[][] Magnitude(ReadOnlySpan<float> waveform)
    {
        int frames = Config.FrameCount(waveform.Length), bins = Config.Bins;
        var result = new double[frames][];
        var buf = new Complex[Config.NFft];
        for (int t = 0; t < frames; t += 2)
        {
            bool pair = t + 1 < frames;
            FillFrames(waveform, t, pair, buf);
            _plan.Forward(buf);
            result[t] = new double[bins];
            var b = pair ? result[t + 1] = new double[bins] : new double[bins];
            SplitMagnitudes(buf, result[t], b);
        }
        return result;
    }

    private void FillFrames(ReadOnlySpan<float> x, int t, bool pair, Span<Complex> buf)
    {
        int n = Config.NFft, hop = Config.Hop, pad = n / 2;
        long startA = (long)t * hop - pad, startB = startA + hop;
        for (int i = 0; i < n; i++)
        {
            double w = _window[i];
            double a = w * Sample(x, startA + i);
            double b = pair ? w * Sample(x, startB + i) : 0;
            buf[i] = new Complex(a, b);
        }
    }

    /// <summary>
    /// x[i] with reflect padding (numpy/torch "reflect": x[-1] = x[1]). Indices more than N-1 away from the signal keep
    /// mirroring (numpy's rule; torch refuses pads >= N), so short clips work; an empty signal reads as zeros.
    /// </summary>
    private static double Sample(ReadOnlySpan<float> x, long i)
    {
        int n = x.Length;
        if ((ulong)i < (ulong)n) return x[(int)i];
        if (n <= 1) return n == 0 ? 0 : x[0];
        long period = 2L * (n - 1);
        long j = i % period;
        if (j < 0) j += period;
        return x[(int)(j < n ? j : period - j)];
    }

    private void SplitMagnitudes(ReadOnlySpan<Complex> z, Span<double> magA, Span<double> magB)
    {
        // For z = fft(a + i b) with a, b real: A[k] = (Z[k] + conj Z[N-k]) / 2, B[k] = (Z[k] - conj Z[N-k]) / 2i.
        int n = Config.NFft;
        for (int k = 0; k < magA.Length; k++)
        {
            Complex zk = z[k], zc = Complex.Conjugate(z[k == 0 ? 0 : n - k]);
            double ar = 0.5 * (zk.Real + zc.Real), ai = 0.5 * (zk.Imaginary + zc.Imaginary);
            double br = 0.5 * (zk.Imaginary - zc.Imaginary), bi = -0.5 * (zk.Real - zc.Real);
            magA[k] = Math.Sqrt(ar * ar + ai * ai);
            magB[k] = Math.Sqrt(br * br + bi * bi);
        }
    }

    private void ApplyFilterbank(ReadOnlySpan<double> magnitude, Span<double> melRow)
    {
        for (int m = 0; m < melRow.Length; m++)
        {
            var f = _filters[m];
            melRow[m] = f.Length == 0 ? 0 : TensorPrimitives.Dot(magnitude.Slice(_filterStart[m], f.Length), f);
        }
    }
}
