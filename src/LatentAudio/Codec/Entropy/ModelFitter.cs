namespace LatentAudio.Codec.Entropy;

/// <summary>
/// Chooses a channel's model for one window: fits the histogram (exact counts) and the discretised Laplace (MLE
/// ratio, refined by a small search on the exact code length), and keeps the one with the smaller
/// payload + side information. The choice is stored, so the float maths here never affects decoding.
/// </summary>
public static class ModelFitter
{
    public sealed record Fit(ProbabilityModel Model, double PayloadBits, int SideInfoBytes)
    {
        public double TotalBits => PayloadBits + 8.0 * SideInfoBytes;
    }

    public static Fit Choose(ReadOnlySpan<int> symbols, int precisionBits, ProbabilityModelPolicy policy)
    {
        if (symbols.IsEmpty) // an unused context: the cheapest valid table
            return new Fit(ProbabilityModel.Laplace(1, 0, precisionBits), 0, 4);
        var (lowest, counts) = Histogram(symbols);
        Fit? best = null;
        if (policy != ProbabilityModelPolicy.LaplaceOnly)
            best = Evaluate(ProbabilityModel.Histogram(lowest, counts, precisionBits), lowest, counts);
        if (policy != ProbabilityModelPolicy.HistogramOnly)
        {
            var lap = FitLaplace(lowest, counts, precisionBits);
            if (best is null || lap.TotalBits < best.TotalBits) best = lap;
        }
        return best!;
    }

    public static (int Lowest, ulong[] Counts) Histogram(ReadOnlySpan<int> symbols)
    {
        if (symbols.IsEmpty) return (0, [1]);
        int lo = int.MaxValue, hi = int.MinValue;
        foreach (var s in symbols) { lo = Math.Min(lo, s); hi = Math.Max(hi, s); }
        if ((long)hi - lo + 1 > FrequencyTable.MaxAlphabet)
            throw new ArgumentException($"symbols span [{lo}, {hi}], more than {FrequencyTable.MaxAlphabet} values");
        var counts = new ulong[hi - lo + 1];
        foreach (var s in symbols) counts[s - lo]++;
        return (lo, counts);
    }

    public static Fit FitLaplace(int lowest, ulong[] counts, int precisionBits)
    {
        int limit = Math.Max(Math.Abs(lowest), Math.Abs(lowest + counts.Length - 1));
        double n = 0, absSum = 0;
        for (int i = 0; i < counts.Length; i++) { n += counts[i]; absSum += counts[i] * (double)Math.Abs(lowest + i); }
        double m = n > 0 ? absSum / n : 0;
        // E|k| = 2r/(1-r^2) for p(k) ∝ r^|k| on Z, so the MLE is r = (sqrt(1+m^2)-1)/m.
        double r = m <= 1e-9 ? 1.0 / 65536 : (Math.Sqrt(1 + m * m) - 1) / m;
        int center = Math.Clamp((int)Math.Round(r * 65536), 1, 65535);
        Fit best = Evaluate(ProbabilityModel.Laplace(center, limit, precisionBits), lowest, counts);
        foreach (double f in new[] { 0.8, 0.9, 0.95, 0.98, 1.02, 1.05, 1.1, 1.25 })
        {
            // the discretised/truncated/floored table is not exactly the continuous MLE: probe around it
            int q = Math.Clamp((int)Math.Round(65536 - (65536 - center) * f), 1, 65535);
            var cand = Evaluate(ProbabilityModel.Laplace(q, limit, precisionBits), lowest, counts);
            if (cand.TotalBits < best.TotalBits) best = cand;
        }
        return best;
    }

    public static Fit Evaluate(ProbabilityModel model, int lowest, ulong[] counts)
    {
        double bits = 0;
        for (int i = 0; i < counts.Length; i++)
            if (counts[i] > 0) bits += counts[i] * model.Table.CostBits(lowest + i);
        return new Fit(model, bits, model.SideInfoBytes());
    }
}
