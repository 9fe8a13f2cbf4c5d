using LatentAudio.Models;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Original;
using LatentAudio.Models.Vae;
using LatentAudio.Models.Vocoder;
using LatentAudio.Tensors;

namespace LatentAudio.Cli.Models;

/// <summary>Options shared by the model stage commands: --model, --threads, --provider, --force.</summary>
internal sealed record ModelCommandOptions(string Model, SessionSettings Session, bool Force)
{
    public const string Help =
        "  --model M       model folder holding vae/ and/or vocoder/, an original .pth checkpoint, a hub id or a known name such as audioldm2 (required)\n" +
        "  --threads N     ONNX Runtime intra-op threads (default: the cores available)\n" +
        "  --provider P    cpu (default) or cuda\n" +
        "  --force         overwrite an existing output file (default: refuse)";

    public static ModelCommandOptions Read(CommandArgs args, bool modelRequired = true)
    {
        var model = args.Option("--model", "-m");
        if (model is null && modelRequired) throw new UsageException("--model is required");
        int threads = args.Int("--threads") ?? 0;
        if (threads < 0) throw new UsageException("--threads must be 0 or more");
        var provider = args.Option("--provider") is { } p ? SessionSettings.ParseProvider(p) : ExecutionProviderKind.Cpu;
        bool force = args.Flag("--force", "-f");
        return new ModelCommandOptions(model ?? "", SessionSettings.Default with { IntraOpThreads = threads, Provider = provider }, force);
    }

    public ModelLocation Resolve(ModelParts parts) => ModelResolver.Resolve(Model, parts);

    /// <summary>The VAE of --model: a diffusers folder/hub repo, or an original .pth (file, folder or hub alias).</summary>
    public AutoencoderKl LoadVae()
    {
        var checkpoint = OpenCheckpoint(ModelParts.Vae, out var location);
        return checkpoint is not null ? AutoencoderKl.FromWeights(checkpoint.Layout.Vae, checkpoint.VaeWeights, Session) : AutoencoderKl.Load(location!, Session);
    }

    /// <summary>The vocoder of --model, from the same kinds of model as <see cref="LoadVae"/>.</summary>
    public HifiGanVocoder LoadVocoder()
    {
        var checkpoint = OpenCheckpoint(ModelParts.Vocoder, out var location);
        return checkpoint is not null ? HifiGanVocoder.FromWeights(checkpoint.Layout.Vocoder, checkpoint.VocoderWeights, Session) : HifiGanVocoder.Load(location!, Session);
    }

    private OriginalCheckpoint? OpenCheckpoint(ModelParts parts, out ModelLocation? location)
    {
        location = null;
        var file = OriginalCheckpointFile.Find(Model);
        if (file is null)
        {
            location = Resolve(parts);
            file = OriginalCheckpointFile.Find(location.RootFolder);
        }
        return file is null ? null : OriginalCheckpoint.Open(file);
    }

    /// <summary>Reads a float32 .npy input; anything else is refused with a hint.</summary>
    public static Tensor ReadNpy(string path, string what)
    {
        if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw InvalidInputException.ForFile(path, $"expected a .npy {what}");
        return NpyFile.Read(path);
    }

    public static string RequireOutput(CommandArgs args)
    {
        return args.Option("--output", "-o") ?? throw new UsageException("-o OUTPUT is required");
    }
}
