using System.Numerics.Tensors;
using LatentAudio.Dsp;

namespace LatentAudio.Metrics.Spectral;

/// <summary>One resolution of auraloss's STFTLoss: spectral convergence and log-magnitude L1.</summary>
public readonly record struct StftLossTerms(int NFft, int Hop, int Win, int Frames, int Bins, double SpectralConvergence, double LogMagnitude)
{
    public double Loss => SpectralConvergence + LogMagnitude;
}

/// <summary>
/// auraloss `MultiResolutionSTFTLoss()` with its defaults (csteinmetz1/auraloss `auraloss/freq.py` L381-438):
/// FFT 1024/2048/512, hops 120/240/50, windows 600/1200/240 (torch.hann_window, periodic, centred in the FFT
/// frame), torch.stft centred with reflect padding, magnitude sqrt(max(re^2 + im^2, 1e-8)); per resolution
/// SC = ||Y - X||_F / ||Y||_F plus mean |ln X - ln Y| with X = degraded (input), Y = reference (target); the
/// total is the mean over resolutions.
/// </summary>
public static class MultiResolutionStft
{
    public static readonly (int NFft, int Hop, int Win)[] Resolutions = [(1024, 120, 600), (2048, 240, 1200), (512, 50, 240)];
    private const double MagnitudeFloor = 1e-4; // sqrt of auraloss's eps 1e-8 on the power

    public static double Compute(MetricPair pair) => Terms(pair).Average(t => t.Loss);

    /// <summary>The terms per resolution. Each resolution's spectrogram is reduced frame by frame as the packed STFT
    /// produces it (no other metric uses these three settings, so nothing is kept in the pair's cache).</summary>
    public static StftLossTerms[] Terms(MetricPair pair) =>
        pair.Cached("mrstft", () => Resolutions.Select(r => Resolution(pair, new StftConfig(r.NFft, r.Hop, r.Win))).ToArray());

    private static StftLossTerms Resolution(MetricPair pair, StftConfig config)
    {
        MetricPair.CheckLongEnough(pair.Length, config);
        int bins = config.Bins;
        var xm = new double[bins];
        var ym = new double[bins];
        var scratch = new double[bins];
        double num = 0, den = 0, logL1 = 0;
        // Y = reference (target), X = degraded (input).
        int frames = new Stft(config).ForEachMagnitudePair(pair.Reference, pair.Degraded, (_, y, x) =>
        {
            TensorPrimitives.Max(x, MagnitudeFloor, xm);
            TensorPrimitives.Max(y, MagnitudeFloor, ym);
            TensorPrimitives.Subtract(ym, xm, scratch);
            num += TensorPrimitives.SumOfSquares<double>(scratch);
            den += TensorPrimitives.SumOfSquares<double>(ym);
            // |ln X - ln Y| with one logarithm
            TensorPrimitives.Divide(xm, ym, scratch);
            TensorPrimitives.Log(scratch, scratch);
            logL1 += TensorPrimitives.SumOfMagnitudes<double>(scratch);
        });
        return new StftLossTerms(config.NFft, config.Hop, config.WinLength, frames, bins,
            Math.Sqrt(num) / Math.Sqrt(den), logL1 / ((double)frames * bins));
    }
}
