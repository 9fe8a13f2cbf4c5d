using System.Text.Json.Nodes;
using LatentAudio.Audio;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Reconstruction;
using LatentAudio.Reports;

namespace LatentAudio.Cli;

/// <summary><c>latentaudio reconstruct</c>: the full chain on any real input, each stage's loss measured, a report.</summary>
public sealed class ReconstructCommand : ICommand
{
    public string Name => "reconstruct";
    public string Summary => "audio -> log-mel -> VAE -> HiFi-GAN (and Griffin-Lim), with metrics and a report";
    public string Usage => $"""
        latentaudio reconstruct INPUT... [options]
          Puts each input through the front-end, the VAE and the vocoder (and/or Griffin-Lim), writes every stage's
          audio, metrics.json, report.md and report.html, and prints a summary table.
          INPUT            audio files, or folders searched recursively for {InputExpander.AudioExtensionList}
                           (hidden files skipped); a file in a sub-folder is named by its path (a/b.wav -> a_b), and
                           equal names with different extensions keep the extension (speech.flac -> speech_flac)
          -m, --model M    a model folder (vae/ + vocoder/), a hub id org/name[@rev] or a known name
                           (default audioldm2 = cvssp/audioldm2, downloaded on first use, ~443 MB)
          -o DIR           output folder (default <input-stem>_reconstruct/ in the current folder; with several
                           inputs, DIR/<stem>/)
          --offset S       start this many seconds into each input (default 0)
          --seconds S      only this many seconds (default: to the end)
          --decoder D      vocoder (default: the model's HiFi-GAN), griffinlim, or all (both)
          --iterations N   Griffin-Lim iterations (default 32)
          --sample         decode a sample of the VAE posterior instead of its mean (default: the mean)
          --seed N         seed of --sample and of Griffin-Lim's initial phases (default 0)
          --channels C     each (default: every channel on its own), first, or mix (the mean of all channels)
                           (encode and rd default to mix, mel and encode-latent to first)
          --output-rate R  model (default: the model's rate, 16 kHz for audioldm2) or input (resampled back)
          --gain G         restore (default: the input's level and DC put back) or model (peak 0.5, as the model sees it)
          --format F       wav16 (default: 16-bit PCM) or wav32f (32-bit float)
          --overlap S      overlap of consecutive 10.24 s windows, in [0, 10.24) (default 1.28)
          --metrics K,...  compute only these metrics (keys: latentaudio metrics --list) (default: all)
          --json           print metrics.json to stdout (an array for several inputs) instead of the table
          --force          replace a non-empty output folder (default: refuse)
          --resume         skip inputs whose folder already holds a complete metrics.json
          --allow-truncated  read a file shorter than its header declares as far as it goes, with a note
                             (default: refuse it, naming both lengths)
        {CliProgress.Help}
        Examples:
          latentaudio reconstruct speech.wav                          one file with the released model
          latentaudio reconstruct samples/ -o out                     a folder: out/<stem>/ per file
          latentaudio reconstruct samples/ --model samples/demo-model -o demo-out
                                                                      offline, random-weight demo (numbers mean nothing)
          latentaudio reconstruct song.flac --offset 30 --seconds 10 --decoder all
                                                                      10 s of a song, vocoder and Griffin-Lim
          latentaudio reconstruct stereo.wav --output-rate input --format wav32f --metrics pesq_wb,stoi --json
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        string model = args.Option("--model", "-m") ?? "audioldm2";
        string? outDir = args.Option("-o", "--output");
        var settings = new ReconstructSettings
        {
            Decoder = args.Option("--decoder") switch
            {
                null or "vocoder" => DecoderChoice.Vocoder,
                "griffinlim" => DecoderChoice.GriffinLim,
                "all" => DecoderChoice.All,
                var d => throw new UsageException($"--decoder must be vocoder, griffinlim or all (got '{d}')"),
            },
            Channels = args.Option("--channels") is { } ch ? ChannelModeParser.Parse(ch) : ChannelMode.Each,
            OutputRate = args.Option("--output-rate") switch
            {
                null or "model" => OutputRate.Model,
                "input" => OutputRate.Input,
                var o => throw new UsageException($"--output-rate must be model or input (got '{o}')"),
            },
            Gain = args.Option("--gain") switch
            {
                null or "restore" => GainMode.Restore,
                "model" => GainMode.Model,
                var g => throw new UsageException($"--gain must be restore or model (got '{g}')"),
            },
            Format = args.Option("--format") is { } f ? WavWriter.ParseFormat(f) : WavSampleFormat.Pcm16,
            SamplePosterior = args.Flag("--sample"),
            Seed = args.Int("--seed") ?? 0,
            OffsetSeconds = args.Double("--offset") ?? 0,
            Seconds = args.Double("--seconds"),
            OverlapSeconds = args.Double("--overlap") ?? 1.28,
            GriffinLimIterations = args.Int("--iterations") ?? 32,
        };
        var only = args.Option("--metrics")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool json = args.Flag("--json"), force = args.Flag("--force"), resume = args.Flag("--resume"), quiet = args.Flag("--quiet", "-q");
        var truncation = TruncationOption.Read(args);
        var batch = new BatchRunner(Name, context);
        var inputs = batch.Expand(args.Positionals(min: 1));
        int inputCount = inputs.Count + batch.Failed;   // the folder layout does not depend on which inputs fail
        if (settings.OverlapSeconds < 0 || settings.OverlapSeconds >= settings.WindowSeconds)
            throw new UsageException($"--overlap must be in [0, {settings.WindowSeconds}) seconds");
        if (settings.GriffinLimIterations < 1) throw new UsageException("--iterations must be at least 1");
        if (inputs.Count == 0) return batch.Finish();

        var parts = settings.UsesVocoder ? ModelParts.All : ModelParts.Vae;
        using var loaded = AudioLdmModel.Load(model, parts, LatentAudio.Models.Onnx.SessionSettings.Default);
        ModelWarning.Print(context, Name, loaded.Warning);
        var metrics = ReconstructionMetrics.Create(only);
        var reconstructor = new Reconstructor(loaded, settings, metrics);

        using var progress = CliProgress.For(context, quiet, inputs.Count);
        batch.BeforeReport = progress.Clear;
        var results = new JsonArray();
        foreach (var input in inputs) batch.Run(input.Path, () =>
        {
            string folder = outDir is null ? $"{input.Stem}_reconstruct"
                : inputCount == 1 ? outDir : Path.Combine(outDir, input.Stem);
            string metricsPath = Path.Combine(folder, "metrics.json");
            StaleTemporaryFiles.Remove(folder, context);
            if (resume && File.Exists(metricsPath))
            {
                if (!json) context.Error.WriteLine($"{input.Path}: done already ({metricsPath}), skipped (--resume)");
                if (json) results.Add(JsonNode.Parse(File.ReadAllText(metricsPath)));
                return BatchOutcome.Skipped;
            }
            if (!force && !resume && Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
                throw InvalidInputException.ForFile(folder, "output folder is not empty (use --force to overwrite, or --resume)");
            if (!json) progress.Line($"{input.Path} -> {folder}/");
            progress.Next(input.Path);
            var truncated = new List<string>();
            var report = reconstructor.Run(AudioSource.File(input.Path, settings.OffsetSeconds, settings.Seconds, truncation.For(truncated)), new WavFolderSink(folder, settings.Format),
                work: progress);
            if (truncated.Count > 0) report = report with { Notes = [.. truncated, .. report.Notes] };
            progress.Clear();
            TruncationOption.Warn(context, Name, truncated);
            var node = MetricsJson.Build(report);
            IO.AtomicFile.WriteAllText(Path.Combine(folder, "report.md"), MarkdownReport.Build(report), overwrite: true);
            IO.AtomicFile.WriteAllText(Path.Combine(folder, "report.html"), HtmlReport.Build(report), overwrite: true);
            // metrics.json last: its presence marks a complete folder (what --resume trusts).
            IO.AtomicFile.WriteAllText(metricsPath, MetricsJson.Serialize(node), overwrite: true);
            results.Add(node);
            progress.Clear();
            if (!json) PrintSummary(context, report, only);
            return BatchOutcome.Done;
        });
        if (json && results.Count > 0) context.Out.WriteLine(MetricsJson.Serialize(inputCount == 1 ? results[0]!.DeepClone() : results));
        return batch.Finish();
    }

    /// <summary>The console table: the metrics asked for with --metrics (all of them), else six headline ones.</summary>
    private static void PrintSummary(CliContext context, ReconstructionReport report, string[]? only)
    {
        var table = new ReportTable(report);
        // the report's column order (headline metrics first)
        var keys = only is { Length: > 0 } ? table.Columns.ToList()
            : table.Columns.Where(new[] { "mel_distance", "lsd", "stoi", "pesq_wb", "visqol_audio", "si_sdr" }.Contains).ToList();
        if (keys.Count == 0) keys = table.Columns.Take(6).ToList();
        if (report.Model.Warning is { } warning) context.Out.WriteLine($"WARNING: {warning}");
        context.Out.WriteLine($"{report.InputPath}: {report.Windows} window(s), RTF {report.RealTimeFactor:0.00}, VAE mel MAE {report.VaeMelMae:0.000}");
        context.Out.WriteLine("  " + "output".PadRight(18) + string.Concat(keys.Select(k => k.PadLeft(14))));
        foreach (var o in report.Outputs)
            context.Out.WriteLine("  " + o.Name.PadRight(18) + string.Concat(keys.Select(k => (o.Metrics.TryGetValue(k, out var v) ? ReportTable.Format(v) : "").PadLeft(14))));
        foreach (var f in table.Footnotes.Where(f => keys.Contains(f.Key))) context.Out.WriteLine("  " + f.Text);
        if (table.LevelKeys.Any(keys.Contains))
            context.Out.WriteLine("  " + ReportTable.LevelDomainLine(report.LevelDomain, table.LevelKeys.Where(keys.Contains)));
    }
}

/// <summary>Writes each output of a reconstruction as <c>FOLDER/&lt;name&gt;.wav</c>, under a temporary name until complete.</summary>
internal sealed class WavFolderSink(string folder, WavSampleFormat format) : IReconstructionSink
{
    public IAudioSink Open(string output, int channels, int sampleRate, long frames) =>
        new WavSink(new WavStreamWriter(Path.Combine(folder, output + ".wav"), channels, sampleRate, format, overwrite: true));

    private sealed class WavSink(WavStreamWriter writer) : IAudioSink
    {
        public void Write(IReadOnlyList<float[]> planar, int offset, int count) => writer.Write(planar, offset, count);
        public void Complete() => writer.Complete();
        public void Dispose() => writer.Dispose();
    }
}
