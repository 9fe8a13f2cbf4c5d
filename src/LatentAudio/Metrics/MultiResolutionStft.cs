using LatentAudio.Dsp;

namespace LatentAudio.Metrics;

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

    public static StftLossTerms[] Terms(MetricPair pair) => pair.Cached("mrstft", () => Resolutions.Select(r =>
    {
        var config = new StftConfig(r.NFft, r.Hop, r.Win);
        var y = pair.ReferenceMagnitude(config);
        var x = pair.DegradedMagnitude(config);
        double num = 0, den = 0, logL1 = 0;
        var xd = x.Data; var yd = y.Data;
        for (int i = 0; i < xd.Length; i++)
        {
            double xm = Math.Max(xd[i], MagnitudeFloor), ym = Math.Max(yd[i], MagnitudeFloor);
            double e = ym - xm;
            num += e * e; den += ym * ym;
            logL1 += Math.Abs(Math.Log(xm / ym)); // = |ln X - ln Y| with one logarithm
        }
        return new StftLossTerms(r.NFft, r.Hop, r.Win, x.Frames, x.Bins, Math.Sqrt(num) / Math.Sqrt(den), logL1 / xd.Length);
    }).ToArray());
}
