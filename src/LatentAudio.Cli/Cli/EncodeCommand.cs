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
    public string Usage => """
        latentaudio encode INPUT... -o OUT --model M [--step D | --spread D | --kbps R] [--channels mix|each|first] [--report R.json] [--force] [--resume]
          INPUT      audio files or folders (searched recursively; a/b.wav is coded as OUT/a_b.lat)
          -o OUT     output file (one input) or folder (several inputs / a folder), used as given
          --step D   uniform quantiser step for every latent channel
          --spread D step = D x each channel's standard deviation per window
          --kbps R   per-window step search so the latent payload meets R kbps per coded stream (default 8)
          --channels how input channels become coded streams (default mix)
          --report   also write the bitrate reports as JSON (of the inputs encoded in this run)
          --resume   skip inputs whose output already exists (outputs appear under their name only when complete)
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        var output = args.Option("-o", "--output") ?? throw new UsageException("-o OUT is required");
        var modelSpec = args.Option("--model") ?? throw new UsageException("--model is required");
        var settings = ReadQuantiser(args);
        var policy = ParsePolicy(args.Option("--channels") ?? "mix");
        var reportPath = args.Option("--report");
        bool force = args.Flag("--force"), resume = args.Flag("--resume");
        var truncation = TruncationOption.Read(args);
        var batch = new BatchRunner(Name, context);
        var arguments = args.Positionals(min: 1);
        var jobs = CodecPaths.Jobs(arguments, batch.Expand(arguments), output, LatentFileFormat.Extension);
        if (jobs.Count == 0) return batch.Finish();
        foreach (var folder in jobs.Select(j => Path.GetDirectoryName(Path.GetFullPath(j.Output))!).Distinct()) StaleTemporaryFiles.Remove(folder, context);

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
            BitrateReport? report = null;
            var truncated = new List<string>();
            var read = truncation.For(truncated);
            // the input is read in passes, block by block (level, then windows): memory does not grow with its length
            AtomicFile.Write(target, force, s => report = codec.Encode(() => AudioFile.OpenReader(input, read), s, new LatentCodecOptions(settings, policy), input));
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
