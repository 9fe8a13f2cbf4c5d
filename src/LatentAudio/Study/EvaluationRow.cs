using System.Globalization;
using LatentAudio.Metrics;
using LatentAudio.Reconstruction;

namespace LatentAudio.Study;

/// <summary>Which model made a row: its id (hub id or folder), revision (empty when none) and the sha256 of its VAE weights.</summary>
public sealed record ModelRef(string Id, string Revision, string Sha256)
{
    public static ModelRef Of(Models.ModelIdentity identity) => new(identity.Id, identity.Revision, identity.Sha256Hex);
}

/// <summary>
/// One row of an evaluation: one item × one model × one output (or, with <see cref="Failure"/> set, the item failed
/// for that model and has no outputs). Metrics are values or reasons; <see cref="Kbps"/> is the measured bitrate of
/// a codec output; <see cref="StageSeconds"/> the time each stage of the item's reconstruction took.
/// </summary>
public sealed record EvaluationRow
{
    /// <summary>The <see cref="Output"/> of a failure row.</summary>
    public const string FailureOutput = "failure";

    public required string Id { get; init; }
    public required string Category { get; init; }
    public required ModelRef Model { get; init; }
    public required string Output { get; init; }
    public required string Settings { get; init; }
    public IReadOnlyDictionary<string, MetricOutcome> Metrics { get; init; } = new Dictionary<string, MetricOutcome>();
    public double? Kbps { get; init; }
    public IReadOnlyList<KeyValuePair<string, double>> StageSeconds { get; init; } = [];
    public string? Failure { get; init; }
    /// <summary>The input's and this output's embedding vectors, when the study asked for the Fréchet distance.</summary>
    public ItemEmbedding? Embedding { get; init; }

    public bool IsFailure => Failure is not null;
}

/// <summary>
/// Everything that shapes the numbers of an evaluation. <see cref="Describe"/> lists it as named text values: two
/// runs (shards, or a resumed run) may be combined only when these are equal, and the first differing name says why not.
/// </summary>
public sealed record EvaluationSettings
{
    public required IReadOnlyList<string> Models { get; init; }
    public ReconstructSettings Reconstruct { get; init; } = new();
    /// <summary>The metric keys asked for, or null for every metric.</summary>
    public IReadOnlyList<string>? Metrics { get; init; }
    /// <summary>Quantiser steps of the latent codec round trip (none: no codec rows).</summary>
    public IReadOnlyList<double> CodecSteps { get; init; } = [];
    /// <summary>Opus baseline bitrates in kbps (none: no Opus rows).</summary>
    public IReadOnlyList<int> OpusKbps { get; init; } = [];
    /// <summary>The embedding network of the Fréchet distance (null: none), and the sha256 of its weights.</summary>
    public string? FadEmbedding { get; init; }
    public string? FadWeightsSha256 { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Describe()
    {
        var r = Reconstruct;
        string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        List<KeyValuePair<string, string>> described =
        [
            new("models", string.Join(",", Models)),
            new("decoder", r.Decoder.ToString().ToLowerInvariant()),
            new("metrics", Metrics is null ? "all" : string.Join(",", Metrics)),
            new("codec_steps", string.Join(",", CodecSteps.Select(D))),
            new("opus_kbps", string.Join(",", OpusKbps.Select(k => k.ToString(CultureInfo.InvariantCulture)))),
            new("channels", r.Channels.ToString().ToLowerInvariant()),
            new("gain", r.Gain.ToString().ToLowerInvariant()),
            // Where loudness (MetricInfo.LevelDependent) is measured; rows made before it was named were measured in the
            // model's domain whatever the gain, so a run begun then does not resume under this build.
            new("level_domain", r.Gain == GainMode.Restore ? "file" : "model (codec and Opus rows: file)"),
            new("window_s", D(r.WindowSeconds)),
            new("overlap_s", D(r.OverlapSeconds)),
            new("griffinlim_iterations", r.GriffinLimIterations.ToString(CultureInfo.InvariantCulture)),
            new("sample_posterior", r.SamplePosterior ? "seed " + r.Seed.ToString(CultureInfo.InvariantCulture) : "no"),
        ];
        // Named only when asked for, so runs without it keep the fingerprint they had before it existed.
        if (FadEmbedding is not null)
        {
            described.Add(new("fad", FadEmbedding));
            described.Add(new("fad_weights_sha256", FadWeightsSha256 ?? ""));
        }
        return described;
    }

    /// <summary>A short digest of <see cref="Describe"/>, stored in every row.</summary>
    public string Fingerprint()
    {
        var text = string.Join("\n", Describe().Select(kv => kv.Key + "=" + kv.Value));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
    }

    /// <summary>The first setting that differs between two descriptions, or null when they are equal.</summary>
    public static string? FirstDifference(IReadOnlyList<KeyValuePair<string, string>> a, IReadOnlyList<KeyValuePair<string, string>> b)
    {
        var keys = a.Select(kv => kv.Key).Union(b.Select(kv => kv.Key)).ToList();
        foreach (var k in keys)
        {
            string? x = a.FirstOrDefault(kv => kv.Key == k).Value, y = b.FirstOrDefault(kv => kv.Key == k).Value;
            if (x != y) return $"{k}: '{x ?? "(absent)"}' vs '{y ?? "(absent)"}'";
        }
        return null;
    }
}
