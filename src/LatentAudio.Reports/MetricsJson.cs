using System.Text.Json;
using System.Text.Json.Nodes;
using LatentAudio.Reconstruction;

namespace LatentAudio.Reports;

/// <summary>metrics.json: every number of a reconstruction, its settings and its timings.</summary>
public static class MetricsJson
{
    public static JsonObject Build(ReconstructionReport r)
    {
        var outputs = new JsonObject();
        var levelKeys = new ReportTable(r).LevelKeys;
        foreach (var o in r.Outputs)
        {
            outputs[o.Name] = new JsonObject
            {
                ["file"] = o.FileName, ["description"] = o.Description, ["metrics"] = OutcomeJson.Write(o.Metrics),
                ["notes"] = new JsonArray(OutcomeJson.Notes(o.Metrics).Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            };
        }
        var stages = new JsonObject();
        foreach (var (k, v) in r.StageSeconds) stages[k] = Math.Round(v, 6);
        var s = r.Settings;
        var c = r.MelConfig;
        var root = new JsonObject
        {
            ["input"] = r.InputPath,
            ["model"] = new JsonObject
            {
                ["id"] = r.Model.Id, ["revision"] = r.Model.Revision, ["scaling_factor"] = r.Model.ScalingFactor,
                ["random_weights"] = r.Model.RandomWeights,
            },
            ["mel_config"] = new JsonObject
            {
                ["sample_rate"] = c.SampleRate, ["n_fft"] = c.NFft, ["hop"] = c.Hop, ["win_length"] = c.WinLength,
                ["n_mels"] = c.NMels, ["fmin"] = c.FMin, ["fmax"] = c.FMax, ["log_floor"] = c.LogFloor,
            },
            ["settings"] = new JsonObject
            {
                ["decoder"] = s.Decoder.ToString().ToLowerInvariant(), ["channels"] = s.Channels.ToString().ToLowerInvariant(),
                ["gain"] = s.Gain.ToString().ToLowerInvariant(), ["output_rate"] = r.OutputSampleRate,
                ["format"] = s.Format == Audio.WavSampleFormat.Pcm16 ? "wav16" : "wav32f",
                ["posterior"] = s.SamplePosterior ? "sample" : "mean", ["seed"] = s.Seed,
                ["window_s"] = s.WindowSeconds, ["overlap_s"] = s.OverlapSeconds,
                ["griffinlim_iterations"] = s.UsesGriffinLim ? s.GriffinLimIterations : null,
                ["offset_s"] = s.OffsetSeconds, ["seconds"] = s.Seconds,
            },
            ["versions"] = new JsonObject { ["latentaudio"] = r.Version, ["dotnet"] = Environment.Version.ToString(), ["onnxruntime"] = OnnxRuntimeVersion() },
            ["input_sample_rate"] = r.InputSampleRate,
            ["model_sample_rate"] = r.ModelSampleRate,
            ["channels"] = r.Channels,
            ["duration_s"] = r.DurationSeconds,
            ["windows"] = r.Windows,
            ["vae_mel_error"] = new JsonObject { ["mae"] = Number(r.VaeMelMae), ["max"] = Number(r.VaeMelMax), ["domain"] = "natural-log mel (model domain)" },
            ["level_domain"] = new JsonObject
            {
                ["domain"] = ReportTable.LevelDomainName(r.LevelDomain),
                ["metrics"] = new JsonArray(levelKeys.Select(k => (JsonNode?)JsonValue.Create(k)).ToArray()),
            },
            ["outputs"] = outputs,
            ["timings_s"] = stages,
            ["total_s"] = Math.Round(r.TotalSeconds, 6),
            ["real_time_factor"] = Number(r.RealTimeFactor),
            ["notes"] = new JsonArray(r.Notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
        };
        // A random-weight model's warning is the first field, so no one reads the numbers below it as real.
        if (r.Model.Warning is { } warning) root.Insert(0, "warning", warning);
        return root;
    }

    public static string Serialize(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>NaN/Inf are not JSON: they become null (for the settings and timings here; metric outcomes have their
    /// own encoding, <see cref="OutcomeJson"/>).</summary>
    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    private static string OnnxRuntimeVersion() =>
        typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version?.ToString() ?? "unknown";
}
