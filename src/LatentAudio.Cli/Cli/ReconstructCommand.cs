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
    public string Usage => """
        latentaudio reconstruct INPUT... [--model audioldm2] [--offset S] [--seconds S] [-o DIR]
            [--decoder vocoder|griffinlim|all] [--sample --seed N] [--channels each|first|mix]
            [--output-rate model|input] [--gain restore|model] [--format wav16|wav32f]
            [--overlap S] [--iterations N] [--metrics KEY,...] [--json] [--force] [--resume]
          INPUT      files or folders (searched recursively for .wav .flac .mp3 .ogg)
          -o DIR     output folder (default <input-stem>_reconstruct/; with several inputs, DIR/<stem>/)
          --metrics  compute only these metrics (see latentaudio metrics --list); default all
          --resume   skip inputs whose folder already holds a complete metrics.json
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
        bool json = args.Flag("--json"), force = args.Flag("--force"), resume = args.Flag("--resume");
        var truncation = TruncationOption.Read(args);
        var batch = new BatchRunner(Name, context);
        var inputs = batch.Expand(args.Positionals(min: 1));
        int inputCount = inputs.Count + batch.Failed;   // the folder layout does not depend on which inputs fail
        if (settings.OverlapSeconds < 0 || settings.OverlapSeconds >= settings.WindowSeconds)
            throw new UsageException($"--overlap must be in [0, {settings.WindowSeconds}) seconds");
        if (settings.GriffinLimIterations < 1) throw new UsageException("--iterations must be at least 1");
        if (inputs.Count == 0) return batch.Finish();

        var parts = settings.UsesVocoder ? ModelParts.All : ModelParts.Vae;
        // Streamed runs go window after window for as long as the input lasts: peak memory beats a planned block.
        using var loaded = AudioLdmModel.Load(model, parts, new LatentAudio.Models.Onnx.SessionSettings { MemoryPattern = false });
        var metrics = ReconstructionMetrics.Create(only);
        var reconstructor = new Reconstructor(loaded, settings, metrics);

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
            if (!json) context.Error.WriteLine($"{input.Path} -> {folder}/");
            var truncated = new List<string>();
            var report = reconstructor.Run(AudioSource.File(input.Path, settings.OffsetSeconds, settings.Seconds, truncation.For(truncated)), new WavFolderSink(folder, settings.Format),
                progress: json ? null : p => context.Error.WriteLine($"  {p}"));
            if (truncated.Count > 0) report = report with { Notes = [.. truncated, .. report.Notes] };
            TruncationOption.Warn(context, Name, truncated);
            var node = MetricsJson.Build(report);
            IO.AtomicFile.WriteAllText(Path.Combine(folder, "report.md"), MarkdownReport.Build(report), overwrite: true);
            IO.AtomicFile.WriteAllText(Path.Combine(folder, "report.html"), HtmlReport.Build(report), overwrite: true);
            // metrics.json last: its presence marks a complete folder (what --resume trusts).
            IO.AtomicFile.WriteAllText(metricsPath, MetricsJson.Serialize(node), overwrite: true);
            results.Add(node);
            if (!json) PrintSummary(context, report);
            return BatchOutcome.Done;
        });
        if (json && results.Count > 0) context.Out.WriteLine(MetricsJson.Serialize(inputCount == 1 ? results[0]!.DeepClone() : results));
        return batch.Finish();
    }

    private static void PrintSummary(CliContext context, ReconstructionReport report)
    {
        var table = new ReportTable(report);
        var keys = new[] { "mel_distance", "lsd", "stoi", "pesq_wb", "visqol_audio", "si_sdr" }.Where(table.Columns.Contains).ToList();
        if (keys.Count == 0) keys = table.Columns.Take(6).ToList();
        context.Out.WriteLine($"{report.InputPath}: {report.Windows} window(s), RTF {report.RealTimeFactor:0.00}, VAE mel MAE {report.VaeMelMae:0.000}");
        context.Out.WriteLine("  " + "output".PadRight(18) + string.Concat(keys.Select(k => k.PadLeft(14))));
        foreach (var o in report.Outputs)
            context.Out.WriteLine("  " + o.Name.PadRight(18) + string.Concat(keys.Select(k => (o.Metrics.TryGetValue(k, out var v) ? ReportTable.Format(v) : "").PadLeft(14))));
        foreach (var f in table.Footnotes.Where(f => keys.Contains(f.Key))) context.Out.WriteLine("  " + f.Text);
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
