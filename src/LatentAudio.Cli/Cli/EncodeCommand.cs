using System.Text.Json;
using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Quantisation;
using LatentAudio.IO;

namespace LatentAudio.Cli;

/// <summary><c>latentaudio encode INPUT... -o OUT --model M [--step Δ | --spread Δ | --kbps R]</c>: audio → latent file(s) with an honest bitrate report.</summary>
public sealed class EncodeCommand(ICodecModelProvider models) : ICommand
{
    public EncodeCommand() : this(CodecModels.Default) { }

    public string Name => "encode";
    public string Summary => "code audio as a quantised, entropy-coded VAE latent file (.lat) and report its true bitrate";
    public string Usage => $"""
        latentaudio encode INPUT... -o OUT --model M [options]
          Codes audio as a quantised, entropy-coded VAE latent (.lat) and prints its true bitrate.
          INPUT       audio files, or folders searched recursively for {InputExpander.AudioExtensionList}
                      (a/b.wav is coded as OUT/a_b.lat; speech.flac beside speech.mp3 as speech_flac.lat)
          -o OUT      output file (one input) or folder (several inputs, or a folder), used as given (required)
          --model M   model folder, hub id or known name, e.g. audioldm2 (required: a .lat decodes only with its weights)
          --step D    uniform quantiser step for every latent channel
          --spread D  step = D x each channel's standard deviation per window
          --kbps R    per-window step search so the payload meets R kbps per coded stream (the default, R = 8)
                      give at most one of --step, --spread, --kbps
          --channels C  how input channels become coded streams: mix (default: one stream of the mean), each, first
                      (reconstruct defaults to each)
          --report R.json  also write the bitrate reports as JSON (of the inputs encoded in this run) (default: none)
          --force     replace existing outputs (default: refuse)
          --resume    skip inputs whose output already exists (outputs appear under their name only when complete)
          --allow-truncated  read a file shorter than its header declares as far as it goes, with a note
                             (default: refuse it, naming both lengths)
        {CliProgress.Help}
        Examples:
          latentaudio encode speech.wav -o speech.lat --model audioldm2              8 kbps, the default target
          latentaudio encode samples/ -o coded/ --model audioldm2 --kbps 4 --report coded/report.json
          latentaudio encode music.flac -o music.lat --model audioldm2 --step 0.05 --channels each
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        var output = args.Option("-o", "--output") ?? throw new UsageException("-o OUT is required");
        var modelSpec = args.Option("--model") ?? throw new UsageException("--model is required");
        var settings = ReadQuantiser(args);
        var policy = ParsePolicy(args.Option("--channels") ?? "mix");
        var reportPath = args.Option("--report");
        bool force = args.Flag("--force"), resume = args.Flag("--resume"), quiet = args.Flag("--quiet", "-q");
        var truncation = TruncationOption.Read(args);
        var batch = new BatchRunner(Name, context);
        var arguments = args.Positionals(min: 1);
        var jobs = CodecPaths.Jobs(arguments, batch.Expand(arguments), output, LatentFileFormat.Extension);
        if (jobs.Count == 0) return batch.Finish();
        foreach (var folder in jobs.Select(j => Path.GetDirectoryName(Path.GetFullPath(j.Output))!).Distinct()) StaleTemporaryFiles.Remove(folder, context);
        using var progress = CliProgress.For(context, quiet, jobs.Count);
        batch.BeforeReport = progress.Clear;

        using var model = models.Load(modelSpec, null);
        var codec = new LatentCodec(model.Vae, model.Identity, model.FrontEnd);
        var reports = new List<Dictionary<string, object>>();
        foreach (var (input, target) in jobs) batch.Run(input, () =>
        {
            if (resume && File.Exists(target))
            {
                context.Error.WriteLine($"{input}: done already ({target}), skipped (--resume)");
                return BatchOutcome.Skipped;
            }
            progress.Next(input);
            BitrateReport? report = null;
            var truncated = new List<string>();
            var read = truncation.For(truncated);
            // the input is read in passes, block by block (level, then windows): memory does not grow with its length
            AtomicFile.Write(target, force, s => report = codec.Encode(() => AudioFile.OpenReader(input, read), s, new LatentCodecOptions(settings, policy), input, progress));
            progress.Clear();
            TruncationOption.Warn(context, Name, truncated);
            context.Out.WriteLine($"{input} -> {target}");
            context.Out.WriteLine(report!.ToText());
            var row = report.ToDictionary();
            row["input"] = input;
            row["output"] = target;
            row["model"] = model.Identity.ToString();
            row["quantiser"] = $"{settings.Mode} {settings.Value}";
            row["channel_policy"] = policy.ToString().ToLowerInvariant();
            if (truncated.Count > 0) row["notes"] = truncated;
            reports.Add(row);
            return BatchOutcome.Done;
        });
        if (reportPath is not null)
            AtomicFile.WriteAllText(reportPath, JsonSerializer.Serialize(reports, new JsonSerializerOptions { WriteIndented = true }), force);
        return batch.Finish();
    }

    internal static QuantiserSettings ReadQuantiser(CommandArgs args)
    {
        var step = args.Double("--step");
        var spread = args.Double("--spread");
        var kbps = args.Double("--kbps");
        if ((step is null ? 0 : 1) + (spread is null ? 0 : 1) + (kbps is null ? 0 : 1) > 1)
            throw new UsageException("give at most one of --step, --spread and --kbps");
        var s = step is { } d ? QuantiserSettings.FixedStep(d)
            : spread is { } r ? QuantiserSettings.Spread(r)
            : QuantiserSettings.TargetKbps(kbps ?? 8);
        s.Validate();
        return s;
    }

    internal static ChannelMode ParsePolicy(string text) => text.ToLowerInvariant() switch
    {
        "mix" => ChannelMode.Mix,
        "each" => ChannelMode.Each,
        "first" => ChannelMode.First,
        _ => throw new UsageException($"--channels takes mix, each or first, got '{text}'"),
    };
}

/// <summary>Input expansion shared by the codec commands: files and folders → (input, output) pairs.</summary>
internal static class CodecPaths
{
    public static List<(string Input, string Output)> Jobs(IReadOnlyList<string> inputs, string output, string extension, string[]? accepted = null) =>
        Jobs(inputs, InputExpander.Expand(inputs, accepted), output, extension);

    /// <summary>The pairs for <paramref name="files"/>, expanded from <paramref name="arguments"/> (some may have failed).</summary>
    public static List<(string Input, string Output)> Jobs(IReadOnlyList<string> arguments, IReadOnlyList<InputExpander.Input> files, string output, string extension)
    {
        // one file argument names the output file; the layout never depends on which of several inputs failed
        if (arguments.Count == 1 && !Directory.Exists(arguments[0])) return files.Select(f => (f.Path, output)).ToList();
        if (files.Count == 0) return [];
        if (File.Exists(output)) throw InvalidInputException.ForFile(output, "is a file, but several inputs need an output folder");
        return files.Select(f => (f.Path, Path.Combine(output, f.Stem + extension))).ToList();
    }
}
