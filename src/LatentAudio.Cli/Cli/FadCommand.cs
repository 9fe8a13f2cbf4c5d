using System.Globalization;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Metrics.Distribution;
using LatentAudio.Models.Embeddings;
using LatentAudio.Study;

namespace LatentAudio.Cli;

/// <summary><c>latentaudio fad</c>: the Fréchet distance between the embeddings of two sets of audio.</summary>
public sealed class FadCommand : ICommand
{
    public string Name => "fad";
    public string Summary => "Fréchet (audio) distance between two sets of audio (VGGish or PANNs embeddings)";
    public string Usage => $"""
        latentaudio fad REF DEG [--embedding {string.Join("|", EmbedderCatalog.All.Select(e => e.Name))}] [--weights FILE] [--json]
          REF, DEG     folders or manifests (.csv/.tsv/.jsonl, Kaldi wav.scp), as for 'evaluate'; the two sets need not pair up
          --embedding  the embedding network; default {EmbedderCatalog.Default} (fadtk's VGGish: the last layer before its ReLU, no PCA)
          --weights    the network's weights file; default: the user cache ($LATENTAUDIO_CACHE, else
                       ~/.cache/latentaudio/weights), downloaded from the published URL when missing (not with HF_HUB_OFFLINE=1)
          --json       one JSON object: {"{"}"fd", "n_reference", "n_degraded", "fad_inf", "embedding", "weights_sha256", ...{"}"}
        Prints FD with the number of embedding vectors per side (FD is biased upward for small sets: compare only
        numbers with similar n) and FAD-inf (fadtk's 1/n extrapolation) when DEG has more than {FadInfinity.DefaultMinN} vectors.
        A file that cannot be read is one line naming it; the others still count; exit code 2 then.

        Examples:
          latentaudio fad data/original out/reconstructed
          latentaudio fad ref.csv deg.csv --embedding vggish --weights vggish-10086976.pth --json
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        var info = EmbedderCatalog.Find(args.Option("--embedding") ?? EmbedderCatalog.Default);
        var userWeights = args.Option("--weights");
        bool json = args.Flag("--json");
        var sets = args.Positionals(min: 2, max: 2);
        var referenceItems = EvaluationItems.Expand([sets[0]]);
        var degradedItems = EvaluationItems.Expand([sets[1]]);

        var weights = new PublicWeightsResolver(PublicWeightsSettings.FromEnvironment()).Resolve(info.Weights, userWeights);
        using var embedder = info.Load(weights);
        var batch = new BatchRunner(Name, context);
        var reference = Embed(embedder, referenceItems, batch, null);
        var degradedVectors = new List<float[]>();
        var degraded = Embed(embedder, degradedItems, batch, degradedVectors);
        var result = FadResult.Compute(reference, degraded, degradedVectors);
        if (result is null)
            throw new InvalidInputException($"the Fréchet distance needs at least 2 embedding vectors per side (got {reference.Count} for {sets[0]}, {degraded.Count} for {sets[1]})");

        if (json) context.Out.WriteLine(ToJson(result, info.Name, embedder.WeightsSha256, sets[0], sets[1]).ToJsonString());
        else Print(context.Out, result, info.Name, embedder.WeightsSha256);
        return batch.Finish();
    }

    private static EmbeddingStatistics Embed(IAudioEmbedder embedder, IReadOnlyList<EvaluationItem> items, BatchRunner batch, List<float[]>? keep)
    {
        var stats = new EmbeddingStatistics(embedder.Dimension);
        foreach (var item in items)
            batch.Run(item.Path, () =>
            {
                var vectors = embedder.Embed(AudioFile.Read(item.Path, item.OffsetSeconds, item.Seconds));
                stats.AddRange(vectors);
                keep?.AddRange(vectors);
                return vectors.Count > 0 ? BatchOutcome.Done : BatchOutcome.Skipped;
            });
        return stats;
    }

    internal static JsonObject ToJson(FadResult r, string embedding, string sha256, string reference, string degraded) => new()
    {
        ["reference"] = reference,
        ["degraded"] = degraded,
        ["embedding"] = embedding,
        ["weights_sha256"] = sha256,
        ["fd"] = r.Distance,
        ["n_reference"] = r.ReferenceCount,
        ["n_degraded"] = r.DegradedCount,
        ["fad_inf"] = r.Infinity is { } inf
            ? new JsonObject { ["score"] = inf.Score, ["slope"] = inf.Slope, ["r2"] = inf.RSquared, ["points"] = inf.Points.Count }
            : null,
    };

    private static void Print(TextWriter w, FadResult r, string embedding, string sha256)
    {
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fd        {r.Distance:0.######}  (n = {r.ReferenceCount} reference, {r.DegradedCount} degraded vectors)"));
        w.WriteLine(r.Infinity is { } inf
            ? string.Create(CultureInfo.InvariantCulture, $"fad_inf   {inf.Score:0.######}  (slope {inf.Slope:0.###}, r2 {inf.RSquared:0.####}, {inf.Points.Count} sizes)")
            : $"fad_inf   n/a (needs more than {FadInfinity.DefaultMinN} degraded vectors)");
        w.WriteLine($"embedding {embedding}");
        w.WriteLine($"weights   sha256 {sha256}");
    }
}
