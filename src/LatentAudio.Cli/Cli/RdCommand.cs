using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Opus;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Dsp;
using LatentAudio.IO;
using LatentAudio.Metrics;
using LatentAudio.Reports;
using LatentAudio.Study;

namespace LatentAudio.Cli;

/// <summary>
/// <c>latentaudio rd INPUT... --model M [-o DIR]</c>: rate–distortion sweep of the latent codec (several targets
/// from near-lossless to under 4 kbps, plus the unquantised ceiling) against Opus at 6-32 kbps on the same inputs.
/// Writes rd.csv, rd.json and rd.html (SVG plots, bitrate vs each metric, one line per codec).
/// </summary>
public sealed class RdCommand(ICodecModelProvider models, RdMetrics metrics) : ICommand
{
    public RdCommand() : this(CodecModels.Default, LibraryMetrics) { }

    public static readonly double[] DefaultTargetsKbps = [48, 24, 12, 8, 6, 4, 2];

    public string Name => "rd";
    public string Summary => "rate-distortion curves of the latent codec against Opus (rd.csv, rd.json, rd.html)";
    public string Usage => $"""
        latentaudio rd INPUT... --model M [options]
          Rate-distortion sweep: the latent codec at several targets (and unquantised, "latent-ceiling") against
          Opus (Concentus, hard CBR, 6, 8, 12, 16, 24, 32 kbps) on the same inputs; writes rd.csv, rd.json, rd.html.
          Inputs are mixed to mono (unlike reconstruct, which defaults to each channel) and resampled to the model's
          rate (16 kHz for audioldm2, 48 kHz for audioldm-48k); Opus codes at that rate too. Metrics
          ({string.Join(", ", RdMetricKeys)}) compare the decoded audio with that signal at that rate, except
          where a metric is defined at its own rate: pesq_wb resamples to 16 kHz, stoi/estoi to 10 kHz.
          INPUT       audio files, or folders searched recursively for {InputExpander.AudioExtensionList}
          --model M   model folder, hub id or known name (required)
          -o DIR      output folder (default rd/)
          --kbps R,R,...   latent targets (default {string.Join(",", DefaultTargetsKbps)})
          --steps D,D,...  sweep fixed quantiser steps instead of --kbps targets
          --force     replace rd.csv/json/html (default: refuse)
          --resume    skip inputs an interrupted run already scored (kept in DIR/.rd-partial/ until the end)
                      and write rd.csv/json/html even where an earlier run left them
          --allow-truncated  read a file shorter than its header declares as far as it goes, with a note
                             (default: refuse it, naming both lengths)
        {CliProgress.Help}
        Examples:
          latentaudio rd samples/ --model audioldm2 -o rd                   the default sweep, plots in rd/rd.html
          latentaudio rd speech.wav --model audioldm2 --kbps 12,6,3
          latentaudio rd samples/ --model samples/demo-model --steps 0.01,0.1,1 -o rd-demo
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        var modelSpec = args.Option("--model") ?? throw new UsageException("--model is required");
        var outDir = args.Option("-o", "--output") ?? "rd";
        var kbpsList = ParseList(args.Option("--kbps"), "--kbps");
        var steps = ParseList(args.Option("--steps"), "--steps");
        if (kbpsList is not null && steps is not null) throw new UsageException("give --kbps or --steps, not both");
        bool force = args.Flag("--force"), resume = args.Flag("--resume"), quiet = args.Flag("--quiet", "-q");
        var truncation = TruncationOption.Read(args);
        var batch = new BatchRunner(Name, context);
        var arguments = args.Positionals(min: 1);
        var inputs = CodecPaths.Jobs(arguments, batch.Expand(arguments), outDir, "").Select(j => j.Input).ToList();
        var settings = steps is not null
            ? steps.Select(QuantiserSettings.FixedStep).ToList()
            : (kbpsList ?? DefaultTargetsKbps).Select(QuantiserSettings.TargetKbps).ToList();
        foreach (var s in settings) s.Validate();
        if (inputs.Count == 0) return batch.Finish();
        StaleTemporaryFiles.Remove(outDir, context);
        StaleTemporaryFiles.Remove(Path.Combine(outDir, ".rd-partial"), context);

        using var model = models.Load(modelSpec, null);
        var vocode = model.Vocoder ?? throw new LatentAudioException($"model {model.Identity} has no vocoder loaded");
        var codec = new LatentCodec(model.Vae, model.Identity, model.FrontEnd);
        var sweep = new RateDistortionSweep(codec, vocode, settings, metrics);
        var rows = new List<Dictionary<string, object>>();
        using var progress = CliProgress.For(context, quiet, inputs.Count);
        batch.BeforeReport = progress.Clear;
        var partial = new RdPartialRows(outDir, $"{model.Identity}|{string.Join(";", settings.Select(s => $"{s.Mode} {s.Value.ToString("R", CultureInfo.InvariantCulture)}"))}");
        foreach (var input in inputs) batch.Run(input, () =>
        {
            if (resume && partial.TryLoad(input) is { } scored)
            {
                rows.AddRange(scored);
                context.Error.WriteLine($"{input}: scored already, skipped (--resume)");
                return BatchOutcome.Skipped;
            }
            progress.Next(input);
            var truncated = new List<string>();
            var audio = AudioFile.Read(input, options: truncation.For(truncated));
            TruncationOption.Warn(context, Name, truncated);
            var points = sweep.Run(audio, input,
                p => { progress.Clear(); context.Out.WriteLine($"{input}: {p}"); }, w => { progress.Clear(); context.Error.WriteLine($"{input}: {w}"); }, progress);
            progress.Clear();
            var inputRows = points.Select(p => p.ToRow()).ToList();
            partial.Save(input, inputRows);
            rows.AddRange(inputRows);
            context.Out.WriteLine($"{input}: done");
            return BatchOutcome.Done;
        });
        if (rows.Count == 0) return batch.Finish();
        force |= resume; // the three files are recomputed from every input's rows
        Directory.CreateDirectory(outDir);
        AtomicFile.WriteAllText(Path.Combine(outDir, "rd.csv"), RateDistortionReport.Csv(rows), force);
        AtomicFile.WriteAllText(Path.Combine(outDir, "rd.json"), new JsonObject
        {
            ["model"] = model.Identity.ToString(),
            ["sample_rate"] = codec.SampleRate,
            ["note"] = $"actual_kbps counts every file byte; latent points code a {codec.SampleRate} Hz mono mix; opus codes the same mix at {OpusBaseline.RateFor(codec.SampleRate)} Hz, raw packets with 1-byte length prefixes; pesq_wb is scored at 16 kHz and stoi/estoi at 10 kHz (resampled, as they are defined)",
            ["points"] = new JsonArray(rows.Select(r => (JsonNode?)RateDistortionReport.Json(r)).ToArray()),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), force);
        AtomicFile.WriteAllText(Path.Combine(outDir, "rd.html"), RateDistortionReport.Html(rows, model.Identity.ToString()), force);
        // with an input failed, the scored rows stay for a --resume once it is fixed
        if (batch.Failed == 0) partial.Clear();
        context.Out.WriteLine($"wrote {Path.Combine(outDir, "rd.csv")}, rd.json, rd.html");
        return batch.Finish();
    }

    private static double[]? ParseList(string? text, string name)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var values = new double[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !(values[i] > 0))
                throw new UsageException($"{name} expects positive numbers separated by commas, got '{text}'");
        if (values.Length == 0) throw new UsageException($"{name} is empty");
        return values;
    }

    /// <summary>The metrics of each RD point, from the metrics library (definitions: latentaudio metrics --list).</summary>
    public static readonly string[] RdMetricKeys = ["mel_distance", "lsd", "stoi", "estoi", "si_sdr", "pesq_wb"];

    public static IReadOnlyDictionary<string, MetricOutcome> LibraryMetrics(float[] reference, float[] degraded, int sampleRate) =>
        Reconstruction.ReconstructionMetrics.Create(RdMetricKeys)(reference, degraded, sampleRate);

    /// <summary>Cheap waveform-only metrics (SNR, SI-SDR) for fast tests of the sweep itself.</summary>
    public static IReadOnlyDictionary<string, MetricOutcome> WaveformMetrics(float[] reference, float[] degraded, int sampleRate) =>
        Reconstruction.ReconstructionMetrics.Create(["snr", "si_sdr"])(reference, degraded, sampleRate);
}

