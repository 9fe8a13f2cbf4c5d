using LatentAudio.Models.Hub;

namespace LatentAudio.Models.Original;

/// <summary>
/// Resolves a hub repo whose model is one original checkpoint (<c>haoheliu/audioldm_48k</c>: a multi-GB LatentDiffusion
/// .pth). Order: the whole file or its VAE+vocoder subset already in the cache (no network); else, unless offline,
/// a subset fetch by range requests (<see cref="CheckpointSubset"/>) of only the entries <see cref="OriginalLayout.IsNeeded"/>
/// reads; when the server ignores Range, the whole file through the ordinary download (and the location says why).
/// </summary>
public static class OriginalCheckpointResolver
{
    /// <summary>The subset's name in the cache: the state-dict prefix it keeps.</summary>
    public const string SubsetPart = "first_stage_model";

    public static ModelLocation Resolve(string spec, HubModelId id, string file, HubSettings hub,
        IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        var cache = new HubCache(hub.CacheDir);
        if (cache.ResolveCommit(id.RepoId, id.Revision) is { } known && FindCached(cache, id, known, file) is { } cached) return cached;
        if (hub.Offline)
            throw new LatentAudioException(
                $"'{spec}' is no local folder, and neither {file} of {id} nor its VAE and vocoder subset is in the cache at {cache.Root} while HF_HUB_OFFLINE is set. " +
                "Use a local model folder or checkpoint, or run once with network (without HF_HUB_OFFLINE) to fetch it") { Remedy = Remedy.ChooseModel };

        using var downloader = new HubDownloader(hub, progress);
        var meta = downloader.GetMetadataAsync(id, id.Revision, file, ct).GetAwaiter().GetResult()
            ?? throw new LatentAudioException($"{id}: the repo has no {file}");
        cache.WriteRef(id.RepoId, id.Revision, meta.Commit);
        if (FindCached(cache, id, meta.Commit, file) is { } now) return now;

        var target = cache.SubsetPath(id.RepoId, meta.Commit, file, SubsetPart);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        CheckpointSubset.WriteSourceSha256(target, meta.Etag); // before the subset: a subset never lacks it
        var source = downloader.OpenRange(id, file, meta);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    var report = CheckpointSubset.FetchAsync(source, target, OriginalLayout.IsNeeded, progress, ct, hub.RangeRunBytes).GetAwaiter().GetResult();
                    // Retries read through the same source: the total counts every attempt's bytes.
                    return Subset(id.RepoId, meta.Commit, target) with { Subset = report with { BytesFetched = source.BytesRead } };
                }
                catch (HubConnectionException e) when (e.Resumable && attempt < hub.MaxResumes) { } // stored entries are kept
            }
        }
        catch (RangeNotHonouredException e)
        {
            var commit = downloader.FetchAsync(id with { Revision = meta.Commit }, [new([file])], ct).GetAwaiter().GetResult();
            return new ModelLocation(id.RepoId, commit, cache.SnapshotFolder(id.RepoId, commit)) { WholeFileReason = e.Message };
        }
    }

    /// <summary>The whole checkpoint in the snapshot, else its subset, at <paramref name="commit"/>; null when neither.</summary>
    public static ModelLocation? FindCached(HubCache cache, HubModelId id, string commit, string file)
    {
        if (cache.FindFile(id.RepoId, commit, file) is not null) return new ModelLocation(id.RepoId, commit, cache.SnapshotFolder(id.RepoId, commit));
        return cache.FindSubset(id.RepoId, commit, file, SubsetPart) is { } subset ? Subset(id.RepoId, commit, subset) : null;
    }

    // The subset's folder holds it alone, so OriginalCheckpointFile.Find picks it like a downloaded snapshot's .pth.
    private static ModelLocation Subset(string repoId, string commit, string path) => new(repoId, commit, Path.GetDirectoryName(path)!);
}
