using System.Globalization;
using LatentAudio.Models;
using LatentAudio.Models.Hub;

namespace LatentAudio.Cli;

/// <summary>
/// <c>latentaudio download-model MODEL</c>: fetch (or find in the cache) the VAE and vocoder files of a hub model
/// and print the folder that holds them; <c>--list</c> prints the known models.
/// </summary>
public sealed class DownloadModelCommand : ICommand
{
    public string Name => "download-model";
    public string Summary => "fetch a model's VAE and vocoder (~443 MB) into the Hugging Face cache and print its folder";
    public string Usage =>
        "latentaudio download-model MODEL [--parts all|vae|vocoder] [--cache-dir DIR] [--offline]\n" +
        "latentaudio download-model --list\n" +
        "  MODEL: a known name (" + KnownModels.AliasList + "), a hub id org/name[@revision], or a folder.\n" +
        "  --parts P        all (default), vae or vocoder\n" +
        "  --cache-dir DIR  the Hugging Face cache to fill (default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub)\n" +
        "  --offline        only look in the cache, as HF_HUB_OFFLINE=1 (default: download what is missing)\n" +
        "  --list           the known models\n" +
        "  Honours HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE, HF_TOKEN, HF_ENDPOINT. Prints the folder that holds the model.\n" +
        "Examples:\n" +
        "  latentaudio download-model audioldm2                 before going offline\n" +
        "  latentaudio download-model cvssp/audioldm2@main --parts vae --cache-dir /data/hf\n" +
        "  latentaudio download-model --list";

    public int Run(CommandArgs args, CliContext context)
    {
        bool list = args.Flag("--list");
        var partsText = args.Option("--parts") ?? "all";
        var cacheDir = args.Option("--cache-dir");
        bool offline = args.Flag("--offline");
        if (list)
        {
            args.Positionals(max: 0);
            foreach (var m in KnownModels.All)
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{m.Alias,-22} {m.Id,-30} {m.SampleRate} Hz  {m.MelConfig}  scaling {(m.ScalingFactor is { } s ? s.ToString("R", CultureInfo.InvariantCulture) : "unknown")}  {m.Description}"));
            return CliApp.ExitOk;
        }
        var model = args.Positionals(min: 1, max: 1)[0];
        var parts = partsText switch
        {
            "all" => ModelParts.All,
            "vae" => ModelParts.Vae,
            "vocoder" => ModelParts.Vocoder,
            _ => throw new UsageException($"--parts expects all, vae or vocoder, got '{partsText}'"),
        };
        var settings = HubSettings.FromEnvironment();
        if (cacheDir is not null) settings = settings with { CacheDir = cacheDir };
        if (offline) settings = settings with { Offline = true };
        bool interactive = ReferenceEquals(context.Error, Console.Error) && !Console.IsErrorRedirected;
        var location = ModelResolver.Resolve(model, parts, settings, new TextProgressBar(context.Error, interactive));
        context.Out.WriteLine(location.RootFolder);
        if (location.Revision is { } commit) context.Error.WriteLine($"{location.Id} at commit {commit}");
        if (location.Subset is { } subset) context.Error.WriteLine($"{subset.Summary} (only the VAE and vocoder entries)");
        if (location.WholeFileReason is { } why) context.Error.WriteLine($"downloaded the whole checkpoint: {why}");
        return CliApp.ExitOk;
    }
}
