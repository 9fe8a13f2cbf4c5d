using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Models.Embeddings;
using LatentAudio.Reconstruction;
using LatentAudio.Reports;
using LatentAudio.Study;

namespace LatentAudio.Cli;

/// <summary>
/// <c>latentaudio evaluate</c>: every item × model × output of a study, one JSON row each, in shards that a cluster's
/// own scheduler runs (Slurm job arrays, Kubernetes Indexed Jobs); failures are rows, never a stop.
/// </summary>
public sealed class EvaluateCommand : ICommand
{
    public string Name => "evaluate";
    public string Summary => "a study: items x models x outputs as JSON rows, shardable and resumable, with a summary";
    public string Usage => """
        latentaudio evaluate INPUT... -o OUT [--model M[,M...]] [--decoder vocoder|griffinlim|all] [--metrics K,...]
            [--codec STEP[,STEP...]] [--opus KBPS[,KBPS...]] [--keep-audio] [--iterations N]
            [--fad [vggish|panns]] [--fad-weights FILE] [--shard-index I --shard-count N] [--resume] [--force]
          INPUT          folders (category = first-level sub-folder), manifests (.csv/.tsv/.jsonl with path and
                         optional id, category, offset, duration) or a Kaldi wav.scp (with utt2category beside it)
          -o OUT         rows go to OUT/rows/shard-I-of-N.jsonl; an unsharded run also writes OUT/summary.*
          --model        one or more models (each loaded once); default audioldm2
          --codec        also the latent codec round trip at these quantiser steps, with its measured kbps
          --opus         also the Opus baseline at these bitrates (kbps), coded at the model's rate (16 or 48 kHz)
        Every output is scored at its model's rate (16 kHz for audioldm2, 48 kHz for audioldm-48k) against the input
        resampled to it; metrics defined at their own rate resample: pesq_* to 16 kHz, stoi/estoi to 10 kHz.
          --keep-audio   write every output as OUT/audio/<model>/<id>/<output>.wav
          --fad          also the Fréchet distance between the inputs' and each output's embeddings per category x
                         model x output in the summary (network: default vggish, as 'fad'; loaded once); each row
                         carries its item's vectors. Small sets are biased: see n_ref/n_deg (docs/fad.md)
          --fad-weights  the network's weights file (as 'fad --weights'; default: the user cache or the published URL)
          --shard-index  default $SLURM_ARRAY_TASK_ID (count $SLURM_ARRAY_TASK_COUNT) or $JOB_COMPLETION_INDEX
                         (then --shard-count is required); merge shards with 'latentaudio merge OUT'
          --resume       skip items whose rows are complete (same settings); a torn last line is dropped
          --decoder      vocoder (default), griffinlim or all; --metrics: default every metric; --iterations: 32
        Progress on stderr, a line per item: [done/total] id: ok or FAILED: reason; items/h, time left, failures so far.
        Exit code 2 when any item failed (every item still ran; failures are rows with their reason).

        Examples:
          latentaudio evaluate data/ -o study --model audioldm2,audioldm2-music --decoder all
          latentaudio evaluate clips.csv -o study --codec 0.05,0.2 --opus 6,12 --shard-index 0 --shard-count 8
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        string outDir = args.Option("-o", "--output") ?? throw new UsageException("-o OUT is required");
        var models = (args.Option("--model", "-m") ?? "audioldm2").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var decoder = args.Option("--decoder") switch
        {
            null or "vocoder" => DecoderChoice.Vocoder,
            "griffinlim" => DecoderChoice.GriffinLim,
            "all" => DecoderChoice.All,
            var d => throw new UsageException($"--decoder must be vocoder, griffinlim or all (got '{d}')"),
        };
        var metricKeys = args.Option("--metrics")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var steps = List<double>(args.Option("--codec"), "--codec", s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v) ? v : (double?)null);
        var opus = List<int>(args.Option("--opus"), "--opus", s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 6 && v <= 510 ? v : (int?)null);
        int iterations = args.Int("--iterations") ?? 32;
        if (iterations < 1) throw new UsageException("--iterations must be at least 1");
        bool keepAudio = args.Flag("--keep-audio"), resume = args.Flag("--resume"), force = args.Flag("--force");
        var fadName = args.OptionalValue("--fad", EmbedderCatalog.All.Select(e => e.Name).ToList(), EmbedderCatalog.Default);
        var fadWeights = args.Option("--fad-weights");
        if (fadWeights is not null && fadName is null) throw new UsageException("--fad-weights needs --fad");
        var fadInfo = fadName is null ? null : EmbedderCatalog.Find(fadName);
        var (shard, shards) = ShardSelection.Resolve(args.Int("--shard-index"), args.Int("--shard-count"), Environment.GetEnvironmentVariable);
        var inputs = args.Positionals(min: 1);
        if (steps.Count > 0 && decoder == DecoderChoice.GriffinLim) throw new UsageException("--codec needs the vocoder (--decoder vocoder or all)");

        var items = EvaluationItems.Expand(inputs);
        // The embedding network, loaded once for the whole process; its weights' sha256 is one of the settings.
        using var embedder = fadInfo is null ? null
            : fadInfo.Load(new PublicWeightsResolver(PublicWeightsSettings.FromEnvironment()).Resolve(fadInfo.Weights, fadWeights));
        var settings = new EvaluationSettings
        {
            Models = models,
            Reconstruct = new ReconstructSettings { Decoder = decoder, GriffinLimIterations = iterations },
            Metrics = metricKeys,
            CodecSteps = steps,
            OpusKbps = opus,
            FadEmbedding = embedder?.Name,
            FadWeightsSha256 = embedder?.WeightsSha256,
        };
        var mine = items.Where(i => ShardHash.Shard(i.Id, shards) == shard).ToList();

        var layout = new StudyLayout(outDir);
        Directory.CreateDirectory(layout.Rows);
        string rowsPath = layout.RowsFile(shard, shards), settingsPath = layout.SettingsFile(shard, shards), donePath = layout.DoneFile(shard, shards);
        var described = settings.Describe();
        if (File.Exists(rowsPath) || File.Exists(settingsPath))
        {
            if (force)
            {
                foreach (var f in new[] { rowsPath, settingsPath, donePath }) File.Delete(f);
            }
            else if (!resume)
                throw InvalidInputException.ForFile(rowsPath, "exists already (use --resume to continue it, or --force to start over)");
            else if (File.Exists(settingsPath) && EvaluationSettings.FirstDifference(StudyLayout.ReadSettings(settingsPath), described) is { } diff)
                throw InvalidInputException.ForFile(rowsPath, $"was made with other settings ({diff}); use another -o, or --force to start over");
        }
        IO.AtomicFile.WriteAllText(settingsPath, StudyLayout.SettingsJson(described), overwrite: true);
        if (File.Exists(donePath)) File.Delete(donePath);

        var started = DateTimeOffset.UtcNow;
        var loaded = new List<AudioLdmModel>();
        try
        {
            var parts = settings.Reconstruct.UsesVocoder ? ModelParts.All : ModelParts.Vae;
            foreach (var m in models)
            {
                context.Error.WriteLine($"loading model {m}");
                loaded.Add(AudioLdmModel.Load(m, parts, LatentAudio.Models.Onnx.SessionSettings.Default));
            }
            var dupModel = loaded.GroupBy(m => m.Identity.Id).FirstOrDefault(g => g.Count() > 1);
            if (dupModel is not null) throw new UsageException($"--model names {dupModel.Key} twice");

            Func<EvaluationItem, AudioLdmModel, IReconstructionSink>? keep = null;
            if (keepAudio)
                keep = (item, model) =>
                {
                    var folder = Path.Combine(layout.Audio, StudyLayout.Slug(model.Identity.Id), StudyLayout.Slug(item.Id));
                    Directory.CreateDirectory(folder);
                    return new WavFolderSink(folder, Audio.WavSampleFormat.Pcm16);
                };
            var evaluator = new ItemEvaluator(loaded, settings, ReconstructionMetrics.Create(metricKeys), keep,
                embedder is null ? null : new ItemEmbedder(embedder));
            var expected = evaluator.ExpectedOutputs();

            var (existing, completeBytes, torn) = EvaluationRowsJson.ReadFile(rowsPath);
            if (existing.FirstOrDefault(r => r.Settings != evaluator.Fingerprint) is { } other)
                throw InvalidInputException.ForFile(rowsPath, $"holds rows made with other settings (item {other.Id}); use another -o, or --force");
            if (torn) context.Error.WriteLine($"{rowsPath}: a torn last line (an interrupted write) was dropped");
            var done = CompleteItems(existing, loaded.Select(m => m.Identity.Id).ToList(), expected);
            var todo = mine.Where(i => !done.Contains(i.Id)).ToList();
            if (done.Count > 0) context.Error.WriteLine($"resuming: {mine.Count - todo.Count} of {mine.Count} item(s) complete");

            var mineIds = mine.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            int resumedFailures = existing.Where(r => r.IsFailure && mineIds.Contains(r.Id) && done.Contains(r.Id)).Select(r => r.Id).Distinct().Count();
            var progress = new EvaluationProgress(context.Error, mine.Count, mine.Count - todo.Count, resumedFailures);
            using (var writer = new EvaluationRowsWriter(rowsPath, completeBytes))
            {
                foreach (var item in todo)
                {
                    var rows = evaluator.Evaluate(item);
                    foreach (var row in rows) writer.Append(row);
                    progress.ItemDone(item.Id, rows.FirstOrDefault(r => r.IsFailure)?.Failure);
                }
            }
            int failed = progress.Failed;
            var run = new EvaluationRun(shard, shards, Environment.MachineName, started, DateTimeOffset.UtcNow, mine.Count, todo.Count,
                mine.Count - todo.Count, failed, CliApp.Version);
            IO.AtomicFile.WriteAllText(donePath, StudyLayout.DoneJson(described, run), overwrite: true);
            if (shards == 1)
            {
                var summary = StudyLayout.WriteSummary(layout, context);
                context.Out.WriteLine($"{mine.Count} item(s), {failed} failed; summary: {summary.Path}");
            }
            else
                context.Out.WriteLine($"shard {shard} of {shards}: {mine.Count} item(s), {failed} failed; rows: {rowsPath} (merge with 'latentaudio merge {outDir}')");
            return failed > 0 ? CliApp.ExitBadInput : CliApp.ExitOk;
        }
        finally
        {
            foreach (var m in loaded) m.Dispose();
        }
    }

    /// <summary>Items whose rows are complete: per model, every expected output or a failure row.</summary>
    internal static HashSet<string> CompleteItems(IEnumerable<EvaluationRow> rows, IReadOnlyList<string> models, IReadOnlyList<string> outputs)
    {
        var complete = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in rows.GroupBy(r => r.Id))
        {
            bool ok = models.All(m =>
            {
                var mine = item.Where(r => r.Model.Id == m).ToList();
                return mine.Any(r => r.IsFailure) || outputs.All(o => mine.Any(r => r.Output == o));
            });
            if (ok) complete.Add(item.Key);
        }
        return complete;
    }

    private static List<T> List<T>(string? text, string flag, Func<string, T?> parse) where T : struct
    {
        if (text is null) return [];
        var result = new List<T>();
        foreach (var s in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            result.Add(parse(s) ?? throw new UsageException($"{flag}: '{s}' is not a valid value"));
        return result;
    }
}

/// <summary>Which shard this process runs: the options, else the array index a cluster's scheduler sets.</summary>
public static class ShardSelection
{
    public static (int Index, int Count) Resolve(int? index, int? count, Func<string, string?> env)
    {
        if (index is null)
        {
            if (Parse(env("SLURM_ARRAY_TASK_ID")) is int slurm)
            {
                index = slurm;
                count ??= Parse(env("SLURM_ARRAY_TASK_COUNT"));
                if (Parse(env("SLURM_ARRAY_TASK_MIN")) is int min && min != 0)
                    throw new UsageException($"the Slurm array starts at {min}; submit it as --array=0-(N-1) or pass --shard-index");
            }
            else if (Parse(env("JOB_COMPLETION_INDEX")) is int k8s)
            {
                index = k8s;
                if (count is null) throw new UsageException("JOB_COMPLETION_INDEX is set: --shard-count is required (the Job's completions)");
            }
        }
        if (index is null && count is null) return (0, 1);
        if (index is null) throw new UsageException("--shard-count needs --shard-index (or a Slurm array / Kubernetes Indexed Job)");
        if (count is null) throw new UsageException("--shard-index needs --shard-count");
        if (count < 1 || index < 0 || index >= count) throw new UsageException($"shard index {index} is not in 0..{count - 1}");
        return (index.Value, count.Value);
    }

    private static int? Parse(string? s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
