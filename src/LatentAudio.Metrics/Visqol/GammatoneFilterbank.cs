using System.Numerics;

namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>
/// Slaney's ERB-spaced gammatone filterbank (Apple TR #35, "An Efficient Implementation of the Patterson-Holdsworth
/// Cochlear Filter Bank", MakeERBFilters): every band is four cascaded second-order sections sharing one denominator,
/// the first carrying the gain normalisation. Bands are stored low to high.
/// </summary>
internal sealed class GammatoneFilterbank
{
    // Glasberg and Moore ERB parameters, as in Slaney's toolbox and google/visqol src/equivalent_rectangular_bandwidth.cc.
    private const double EarQ = 9.26449;
    private const double MinBandwidth = 24.7;

    public GammatoneFilterbank(int sampleRate, int bands, double minFrequency, double maxFrequency)
    {
        if (maxFrequency > sampleRate / 2.0) maxFrequency = sampleRate / 2.0;
        SampleRate = sampleRate;
        Bands = bands;
        CenterFrequencies = new double[bands];
        Gain = new double[bands];
        Numerator1 = new double[bands][];
        Denominator = new double[bands][];
        double t = 1.0 / sampleRate;
        double sqrtPlus = Math.Sqrt(3.0 + Math.Pow(2.0, 1.5)), sqrtMinus = Math.Sqrt(3.0 - Math.Pow(2.0, 1.5));
        var descending = UniformCenterFrequencies(minFrequency, maxFrequency, bands);
        for (int band = 0; band < bands; band++)
        {
            double cf = descending[bands - 1 - band];
            CenterFrequencies[band] = cf;
            double erb = cf / EarQ + MinBandwidth; // order 1
            double b = 1.019 * 2 * Math.PI * erb;
            double expBt = Math.Exp(b * t);
            double cos = Math.Cos(2 * cf * Math.PI * t), sin = Math.Sin(2 * cf * Math.PI * t);
            double a = Math.Cos(cf * 2.0 * Math.PI * t) * 2.0 * t;
            double b1 = Math.Sin(cf * 2.0 * Math.PI * t) * t;
            double bPos = b1 * 2.0 * sqrtPlus, bNeg = b1 * 2.0 * sqrtMinus;
            // Numerator second taps of the four sections (A11..A14); first tap is T, third is 0.
            Numerator1[band] =
            [
                -(a / expBt + bPos / expBt) / 2.0,
                -(a / expBt - bPos / expBt) / 2.0,
                -(a / expBt + bNeg / expBt) / 2.0,
                -(a / expBt - bNeg / expBt) / 2.0,
            ];
            Denominator[band] = [-2.0 * Math.Cos(2.0 * cf * Math.PI * t) / expBt, Math.Exp(b * t * -2.0)];

            // Gain at the centre frequency: |x1 x2 x3 x4 / x5^4| (Slaney).
            var i = Complex.ImaginaryOne;
            var xExp = Complex.Exp(4.0 * i * cf * Math.PI * t);
            var x01 = -2.0 * xExp * t;
            var x02 = 2.0 * Complex.Exp(-(b * t) + 2.0 * i * cf * Math.PI * t) * t;
            var x1 = x01 + x02 * (cos - sqrtMinus * sin);
            var x2 = x01 + x02 * (cos + sqrtMinus * sin);
            var x3 = x01 + x02 * (cos - sqrtPlus * sin);
            var x4 = x01 + x02 * (cos + sqrtPlus * sin);
            var x5 = -2.0 / Math.Exp(2 * b * t) - 2.0 * xExp + 2.0 * (1.0 + xExp) / Math.Exp(b * t);
            Gain[band] = Complex.Abs(x1 * x2 * x3 * x4 / Complex.Pow(x5, 4.0));
        }
    }

    public int SampleRate { get; }
    public int Bands { get; }
    /// <summary>Centre frequencies in Hz, low to high.</summary>
    public double[] CenterFrequencies { get; }
    public double[] Gain { get; }
    /// <summary>Per band, the middle numerator tap of sections 1..4 (before the gain division of section 1).</summary>
    public double[][] Numerator1 { get; }
    /// <summary>Per band, denominator taps 1 and 2 (tap 0 is 1).</summary>
    public double[][] Denominator { get; }
    /// <summary>First numerator tap of every section (the sample period); the third tap is zero.</summary>
    public double Numerator0 => 1.0 / SampleRate;

    /// <summary>ERB-uniform centre frequencies from high to low (Apple TR #35, pp. 33-34).</summary>
    private static double[] UniformCenterFrequencies(double low, double high, int count)
    {
        double a = -(EarQ * MinBandwidth);
        double b = -Math.Log(high + EarQ * MinBandwidth);
        double c = Math.Log(low + EarQ * MinBandwidth);
        double d = high + EarQ * MinBandwidth;
        double e = (b + c) / count;
        var cfs = new double[count];
        for (int i = 0; i < count; i++) cfs[i] = a + Math.Exp((i + 1) * e) * d;
        return cfs;
    }
}
