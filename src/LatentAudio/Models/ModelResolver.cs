using LatentAudio.Models.Hub;
using LatentAudio.Models.Original;

namespace LatentAudio.Models;

/// <summary>
/// Turns a user's model name (local folder, hub id with optional @revision, or short alias) into files on disk.
/// Resolving never happens in a constructor: it is the explicit step that may touch the network.
/// Order: an existing folder; else a hub model found complete in the cache (no network at all); else, unless
/// offline, a download of only the files <paramref name="parts"/> needs (<see cref="ModelFileSet"/>). A known model
/// that is one original checkpoint goes through <see cref="OriginalCheckpointResolver"/> (range subset fetch).
/// </summary>
public static class ModelResolver
{
    /// <summary>Resolves with the process environment's hub settings and a progress bar on stderr.</summary>
    public static ModelLocation Resolve(string spec, ModelParts parts) =>
        Resolve(spec, parts, HubSettings.FromEnvironment(), TextProgressBar.ForStandardError());

    public static ModelLocation Resolve(string spec, ModelParts parts, HubSettings hub, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        if (Directory.Exists(spec)) return ResolveFolder(spec, parts);
        if (File.Exists(spec)) throw InvalidInputException.ForFile(spec, "is a file; a model is a folder holding vae/ and vocoder/, an original .pth checkpoint, or a hub id");
        var id = HubModelId.TryParse(spec) ?? throw new InvalidInputException(
            $"model '{spec}' is not a folder, a hub id (org/name[@revision]) or a known name ({KnownModels.AliasList})");
        if (KnownModels.Find(id.RepoId)?.CheckpointFile is { } checkpoint)
            return OriginalCheckpointResolver.Resolve(spec, id, checkpoint, hub, progress, cancellation);
        var files = ModelFileSet.For(parts);
        var cache = new HubCache(hub.CacheDir);
        if (FindCached(cache, id, files) is { } cached) return cached;
        if (hub.Offline)
        {
            var commit = cache.ResolveCommit(id.RepoId, id.Revision);
            var missing = files.Where(f => commit is null || cache.FindAny(id.RepoId, commit, f) is null).Select(f => f.Preferred);
            throw new LatentAudioException(
                $"'{spec}' is no local folder, and {id} is not in the cache at {cache.Root} while HF_HUB_OFFLINE is set: missing {string.Join(", ", missing)}. " +
                "Use a local model folder (holding vae/ and vocoder/), or run once with network (without HF_HUB_OFFLINE) to download them") { Remedy = Remedy.ChooseModel };
        }
        using var downloader = new HubDownloader(hub, progress);
        var fetched = downloader.FetchAsync(id, files, cancellation).GetAwaiter().GetResult();
        return new ModelLocation(id.RepoId, fetched, cache.SnapshotFolder(id.RepoId, fetched));
    }

    /// <summary>The snapshot holding every needed file, when the cache has it for that revision; else null.</summary>
    public static ModelLocation? FindCached(HubCache cache, HubModelId id, IReadOnlyList<RequiredFile> files)
    {
        var commit = cache.ResolveCommit(id.RepoId, id.Revision);
        if (commit is null || files.Any(f => cache.FindAny(id.RepoId, commit, f) is null)) return null;
        return new ModelLocation(id.RepoId, commit, cache.SnapshotFolder(id.RepoId, commit));
    }

    private static ModelLocation ResolveFolder(string spec, ModelParts parts)
    {
        var location = new ModelLocation(Path.GetFullPath(spec), null, Path.GetFullPath(spec));
        if (parts.HasFlag(ModelParts.Vae) && !Directory.Exists(location.VaeFolder))
            throw InvalidInputException.ForFile(spec, "has no vae/ folder");
        if (parts.HasFlag(ModelParts.Vocoder) && !Directory.Exists(location.VocoderFolder))
            throw InvalidInputException.ForFile(spec, "has no vocoder/ folder");
        return location;
    }
}
