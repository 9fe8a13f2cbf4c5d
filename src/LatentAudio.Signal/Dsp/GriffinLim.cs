using System.Numerics;
using LatentAudio.Tensors;

namespace LatentAudio.Dsp;

/// <summary>
/// The home-made vocoder baseline: log-mel -> linear magnitude (pseudo-inverse of the mel filterbank, clamped at 0)
/// -> fast Griffin-Lim (Perraudin, Balazs, Sondergaard, "A fast Griffin-Lim algorithm", WASPAA 2013) with a fixed-seed
/// random initial phase. The momentum update is written as in torchaudio.functional.griffinlim and librosa.griffinlim
/// (angles = rebuilt - momentum / (1 + momentum) * previous), momentum 0.99 and 32 iterations by default like theirs.
/// </summary>
public sealed class GriffinLim
{
    private readonly Stft _stft, _stftShort;
    private readonly double[][] _melPinv; // [Bins][NMels]: filterbank^T (filterbank filterbank^T)^-1
    private readonly int _iterations, _seed;
    private readonly double _momentum;

    public GriffinLim(MelConfig config, int iterations = 32, double momentum = 0.99, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (iterations < 0) throw new ArgumentOutOfRangeException(nameof(iterations));
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), "momentum must be in [0, 1)");
        Config = config;
        _iterations = iterations; _momentum = momentum; _seed = seed;
        _stft = new Stft(config.Stft);
        _stftShort = new Stft(config.Stft with { Pad = PadMode.Constant });
        _melPinv = PseudoInverse(MelFilterbank.Create(config.SampleRate, config.NFft, config.NMels, config.FMin, config.FMax));
    }

    public MelConfig Config { get; }

    /// <summary>Waveform of <paramref name="length"/> samples whose log-mel approximates <paramref name="logMel"/> [T, NMels].</summary>
    public float[] FromLogMel(Tensor logMel, int length) => FromMagnitude(MelToMagnitude(logMel), length);

    /// <summary>Linear |STFT| [T][Bins] from a log-mel [T, NMels]: exp, pseudo-inverse of the filterbank, clamped at 0.</summary>
    public double[][] MelToMagnitude(Tensor logMel)
    {
        ArgumentNullException.ThrowIfNull(logMel);
        if (logMel.Rank != 2 || logMel.Shape[1] != Config.NMels)
            throw new InvalidInputException($"log-mel must be [T, {Config.NMels}], got {logMel.ShapeText}");
        int frames = logMel.Shape[0], nMels = Config.NMels, bins = Config.Bins;
        var result = new double[frames][];
        var mel = new double[nMels];
        for (int t = 0; t < frames; t++)
        {
            for (int m = 0; m < nMels; m++) mel[m] = Math.Exp(logMel.Data[t * nMels + m]);
            var row = new double[bins];
            for (int k = 0; k < bins; k++)
                row[k] = Math.Max(0, System.Numerics.Tensors.TensorPrimitives.Dot<double>(_melPinv[k], mel));
            result[t] = row;
        }
        return result;
    }

    /// <summary>Waveform of <paramref name="length"/> samples whose |STFT| approximates <paramref name="magnitude"/> [T][Bins].</summary>
    public float[] FromMagnitude(double[][] magnitude, int length)
    {
        ArgumentNullException.ThrowIfNull(magnitude);
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        int frames = magnitude.Length, bins = Config.Bins;
        foreach (var row in magnitude)
            if (row.Length != bins) throw new InvalidInputException($"magnitude rows must have {bins} bins, got {row.Length}");
        var stft = StftFor(length);
        var rng = new Random(_seed);
        var angles = new Complex[frames][];
        for (int t = 0; t < frames; t++)
        {
            angles[t] = new Complex[bins];
            for (int k = 0; k < bins; k++) angles[t][k] = Complex.FromPolarCoordinates(1, 2 * Math.PI * rng.NextDouble());
        }
        double beta = _momentum / (1 + _momentum);
        // Two spectrogram buffers, swapped each iteration: this iteration's STFT and the previous one (momentum).
        int rows = Math.Max(frames, stft.FrameCountPadded(length));
        var rebuilt = new Complex[rows][];
        var previous = new Complex[rows][];
        bool havePrevious = false;
        var spec = new Complex[frames][];
        for (int it = 0; it < _iterations; it++)
        {
            Combine(magnitude, angles, spec);
            int n = Math.Min(frames, stft.Forward(stft.Inverse(spec, length), rebuilt));
            for (int t = 0; t < n; t++)
            {
                var a = angles[t];
                var r = rebuilt[t];
                var p = previous[t];
                for (int k = 0; k < bins; k++)
                {
                    double cr = r[k].Real, ci = r[k].Imaginary;
                    if (havePrevious) { cr -= beta * p[k].Real; ci -= beta * p[k].Imaginary; }
                    double inv = 1.0 / (Math.Sqrt(cr * cr + ci * ci) + 1e-16);
                    a[k] = new Complex(cr * inv, ci * inv);
                }
            }
            (previous, rebuilt) = (rebuilt, previous);
            havePrevious = true;
        }
        Combine(magnitude, angles, spec);
        return stft.Inverse(spec, length);
    }

    /// <summary>
    /// Spectral convergence ||S - |STFT(x)|||_F / ||S||_F of a waveform against a target magnitude (lower is better).
    /// </summary>
    public double SpectralConvergence(double[][] magnitude, ReadOnlySpan<float> signal)
    {
        var actual = StftFor(signal.Length).Magnitude(signal);
        double num = 0, den = 0;
        for (int t = 0; t < magnitude.Length; t++)
            for (int k = 0; k < magnitude[t].Length; k++)
            {
                double a = t < actual.Length ? actual[t][k] : 0, d = magnitude[t][k] - a;
                num += d * d;
                den += magnitude[t][k] * magnitude[t][k];
            }
        return den == 0 ? (num == 0 ? 0 : double.PositiveInfinity) : Math.Sqrt(num / den);
    }

    // Reflect padding needs more than NFft/2 samples; a shorter output is padded with zeros instead.
    private Stft StftFor(int length) => length > Config.NFft / 2 ? _stft : _stftShort;

    private static void Combine(double[][] magnitude, Complex[][] angles, Complex[][] spec)
    {
        for (int t = 0; t < magnitude.Length; t++)
        {
            var row = spec[t] ??= new Complex[magnitude[t].Length];
            for (int k = 0; k < row.Length; k++) row[k] = magnitude[t][k] * angles[t][k];
        }
    }

    /// <summary>
    /// Moore-Penrose pseudo-inverse of a full-row-rank wide matrix A [m][n]: A^T (A A^T)^-1, via Cholesky. A relative
    /// ridge of 1e-10 on the diagonal keeps it defined if two bands coincide (it then acts as a minimum-norm solution).
    /// </summary>
    private static double[][] PseudoInverse(float[][] a)
    {
        int m = a.Length, n = a[0].Length;
        var g = new double[m, m];
        double trace = 0;
        for (int i = 0; i < m; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                var ai = a[i]; var aj = a[j];
                for (int k = 0; k < n; k++) if (ai[k] != 0 && aj[k] != 0) s += (double)ai[k] * aj[k];
                g[i, j] = g[j, i] = s;
                if (i == j) trace += s;
            }
        double ridge = 1e-10 * trace / m;
        for (int i = 0; i < m; i++) g[i, i] += ridge;
        // Cholesky g = L L^T (in place, lower triangle)
        for (int j = 0; j < m; j++)
        {
            double d = g[j, j];
            for (int k = 0; k < j; k++) d -= g[j, k] * g[j, k];
            g[j, j] = Math.Sqrt(Math.Max(d, ridge));
            for (int i = j + 1; i < m; i++)
            {
                double s = g[i, j];
                for (int k = 0; k < j; k++) s -= g[i, k] * g[j, k];
                g[i, j] = s / g[j, j];
            }
        }
        // G^-1 column by column (G symmetric, so columns are rows), then pinv[k] = sum_i A[i][k] G^-1[i]: each FFT bin
        // lies in at most a few mel bands, so this last step is cheap.
        var ginv = new double[m][];
        var y = new double[m];
        for (int c = 0; c < m; c++)
        {
            for (int i = 0; i < m; i++)
            {
                double s = i == c ? 1 : 0;
                for (int j = 0; j < i; j++) s -= g[i, j] * y[j];
                y[i] = s / g[i, i];
            }
            for (int i = m - 1; i >= 0; i--)
            {
                double s = y[i];
                for (int j = i + 1; j < m; j++) s -= g[j, i] * y[j];
                y[i] = s / g[i, i];
            }
            ginv[c] = (double[])y.Clone();
        }
        var result = new double[n][];
        for (int k = 0; k < n; k++)
        {
            var row = new double[m];
            for (int i = 0; i < m; i++)
                if (a[i][k] != 0) System.Numerics.Tensors.TensorPrimitives.MultiplyAdd<double>(ginv[i], a[i][k], row, row);
            result[k] = row;
        }
        return result;
    }
}
