using LatentAudio.Models;
using LatentAudio.Models.Onnx;

namespace LatentAudio.Cli.Models;

/// <summary><c>latentaudio export-onnx MODEL -o DIR</c>: standalone ONNX files of the VAE and vocoder.</summary>
public sealed class ExportOnnxCommand : ICommand
{
    public string Name => "export-onnx";
    public string Summary => "write the VAE encoder/decoder and vocoder as standalone .onnx files";
    public string Usage =>
        "latentaudio export-onnx MODEL -o DIR [--force]\n" +
        "  MODEL           model folder holding vae/ and/or vocoder/ (or a hub id once the hub is available)\n" +
        $"  -o DIR          writes {OnnxExport.EncoderFile}, {OnnxExport.DecoderFile}, {OnnxExport.VocoderFile} (for the parts present)\n" +
        $"                  and {OnnxExport.MetadataFile} (tensor names, mel config, scaling factor); opset {GraphBuilder.Opset}, float32\n" +
        "  --force         overwrite existing files (default: refuse)\n" +
        "Examples:\n" +
        "  latentaudio export-onnx samples/demo-model -o onnx-demo\n" +
        "  latentaudio export-onnx \"$(latentaudio download-model audioldm2)\" -o onnx-audioldm2";

    public int Run(CommandArgs args, CliContext context)
    {
        var output = ModelCommandOptions.RequireOutput(args);
        bool force = args.Flag("--force", "-f");
        var spec = args.Positionals(1, 1)[0];
        if (LatentAudio.Models.Original.OriginalCheckpointFile.Find(spec) is { } pth)
            return Report(context, OnnxExport.Export(LatentAudio.Models.Original.OriginalCheckpoint.Open(pth), Path.GetFullPath(pth), null, output, force));
        var parts = Directory.Exists(spec)
            ? (Directory.Exists(Path.Combine(spec, "vae")) ? ModelParts.Vae : 0) | (Directory.Exists(Path.Combine(spec, "vocoder")) ? ModelParts.Vocoder : 0)
            : ModelParts.All;
        if (parts == 0) throw InvalidInputException.ForFile(spec, "has neither vae/ nor vocoder/");
        var location = ModelResolver.Resolve(spec, parts);
        if (LatentAudio.Models.Original.OriginalCheckpointFile.Find(location.RootFolder) is { } cached)
            return Report(context, OnnxExport.Export(LatentAudio.Models.Original.OriginalCheckpoint.Open(cached), location.Id, location.Revision, output, force));
        // the metadata describes the model's own front-end, decided in one place (the model object)
        int? vocoderRate = parts.HasFlag(ModelParts.Vocoder) ? LatentAudio.Models.Config.VocoderConfig.Load(Path.Combine(location.VocoderFolder, "config.json")).SamplingRate : null;
        var mel = LatentAudio.Models.AudioLdm.AudioLdmModel.MelConfigFor(spec, location, vocoderRate);
        return Report(context, OnnxExport.Export(location, mel, output, force));
    }

    private static int Report(CliContext context, IReadOnlyList<string> files)
    {
        foreach (var f in files) context.Out.WriteLine($"{f} ({new FileInfo(f).Length:N0} bytes)");
        return CliApp.ExitOk;
    }
}
