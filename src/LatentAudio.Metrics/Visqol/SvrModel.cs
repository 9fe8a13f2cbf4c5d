using System.Globalization;

namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>
/// An RBF-kernel ν-SVR read from a libsvm model file (the text format `svm_save_model` writes: header lines
/// "key value…" up to "SV", then one line per support vector, "coef index:value …" with 1-based sparse indices).
/// Prediction is libsvm's for regression: Σ coefᵢ·exp(−γ‖x − svᵢ‖²) − ρ.
/// </summary>
internal sealed class SvrModel
{
    private readonly double[][] _vectors;
    private readonly double[] _coefs;

    private SvrModel(double gamma, double rho, double[][] vectors, double[] coefs)
    {
        Gamma = gamma; Rho = rho; _vectors = vectors; _coefs = coefs;
        Features = vectors.Length == 0 ? 0 : vectors.Max(v => v.Length);
    }

    public double Gamma { get; }
    public double Rho { get; }
    public int SupportVectorCount => _vectors.Length;
    /// <summary>Highest feature index any support vector uses.</summary>
    public int Features { get; }

    private const string ResourceName = "LatentAudio.Metrics.Visqol.libsvm_nu_svr_model.txt"; // LogicalName in LatentAudio.csproj

    /// <summary>ViSQOL v3's default audio-mode model (google/visqol `model/libsvm_nu_svr_model.txt`, Apache-2.0), embedded.</summary>
    public static SvrModel LoadDefault()
    {
        using var stream = typeof(SvrModel).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader, "libsvm_nu_svr_model.txt");
    }

    public static SvrModel Parse(TextReader reader, string name)
    {
        string? svmType = null, kernel = null;
        double? gamma = null, rho = null;
        int? total = null;
        int lineNo = 0;
        string? line;
        Exception Bad(string what) => InvalidInputException.ForFile(name, $"line {lineNo}: {what}");
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts[0] == "SV") break;
            string Value() => parts.Length >= 2 ? parts[1] : throw Bad($"'{parts[0]}' has no value");
            switch (parts[0])
            {
                case "svm_type": svmType = Value(); break;
                case "kernel_type": kernel = Value(); break;
                case "gamma": gamma = Number(Value()); break;
                case "rho": rho = Number(Value()); break;
                case "total_sv": total = (int)Number(Value()); break;
                default: break; // nr_class, label, nr_sv, probA/B: not used by regression prediction
            }
        }
        if (line is null) throw Bad("no 'SV' line");
        if (svmType is not ("nu_svr" or "epsilon_svr")) throw Bad($"svm_type '{svmType}' is not a regression model");
        if (kernel != "rbf") throw Bad($"kernel_type '{kernel}' is not rbf");
        if (gamma is null || rho is null || total is null || total < 0) throw Bad("gamma, rho or total_sv missing");

        var vectors = new List<double[]>();
        var coefs = new List<double>();
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            coefs.Add(Number(parts[0]));
            var pairs = new List<(int Index, double Value)>();
            for (int i = 1; i < parts.Length; i++)
            {
                int colon = parts[i].IndexOf(':');
                if (colon <= 0 || !int.TryParse(parts[i].AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index < 1 || index > 4096)
                    throw Bad($"bad feature '{parts[i]}'");
                pairs.Add((index, Number(parts[i][(colon + 1)..])));
            }
            var dense = new double[pairs.Count == 0 ? 0 : pairs.Max(p => p.Index)];
            foreach (var (index, value) in pairs) dense[index - 1] = value;
            vectors.Add(dense);
        }
        if (vectors.Count != total) throw Bad($"total_sv says {total} but {vectors.Count} support vectors follow");
        return new SvrModel(gamma.Value, rho.Value, [.. vectors], [.. coefs]);

        double Number(string text) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v : throw Bad($"'{text}' is not a number");
    }

    public double Predict(ReadOnlySpan<double> features)
    {
        double sum = 0;
        for (int s = 0; s < _vectors.Length; s++)
        {
            var sv = _vectors[s];
            double d2 = 0;
            int n = Math.Max(sv.Length, features.Length);
            for (int i = 0; i < n; i++)
            {
                double d = (i < features.Length ? features[i] : 0) - (i < sv.Length ? sv[i] : 0);
                d2 += d * d;
            }
            sum += _coefs[s] * Math.Exp(-Gamma * d2);
        }
        return sum - Rho;
    }
}
