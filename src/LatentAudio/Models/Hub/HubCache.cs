namespace LatentAudio.Models.Hub;

/// <summary>
/// The Hugging Face hub cache on disk, laid out as huggingface_hub's <c>file_download.py</c> (hf_hub_download)
/// writes it, so files either tool fetched serve both:
/// <code>
/// {root}/models--{org}--{name}/
///     blobs/{etag}                      file contents, named by the hub's ETag (sha256 for LFS files, git sha1 else)
///     blobs/{etag}.incomplete           a download in progress (resumable)
///     refs/{revision}                   the commit hash a branch or tag pointed to (no newline)
///     snapshots/{commit}/{path}         relative symlink to ../../(..)/blobs/{etag}
///     .no_exist/{commit}/{path}         empty marker: the file does not exist at that commit
///     subsets/{commit}/{stem}.{part}.pth  ours: the entries of an original checkpoint one part needs (CheckpointSubset)
/// </code>
/// Reading never writes; nothing here touches the network.
/// </summary>
public sealed class HubCache(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary><c>models--org--name</c> (huggingface_hub repo_folder_name).</summary>
    public string RepoFolder(string repoId) => Path.Combine(Root, "models--" + repoId.Replace("/", "--"));

    public string SnapshotFolder(string repoId, string commit) => Path.Combine(RepoFolder(repoId), "snapshots", commit);

    public string BlobPath(string repoId, string etag) => Path.Combine(RepoFolder(repoId), "blobs", etag);

    public string IncompletePath(string repoId, string etag) => BlobPath(repoId, etag) + ".incomplete";

    /// <summary>
    /// Where the <paramref name="part"/> subset of the checkpoint <paramref name="repoPath"/> at <paramref name="commit"/>
    /// is kept (e.g. <c>subsets/{commit}/audioldm_48k.first_stage_model.pth</c>): beside the snapshots, so
    /// huggingface_hub never takes it for the whole file, and under the commit, so a changed file is fetched again.
    /// </summary>
    public string SubsetPath(string repoId, string commit, string repoPath, string part)
    {
        var local = LocalPath(repoPath);
        var name = $"{Path.GetFileNameWithoutExtension(local)}.{part}{Path.GetExtension(local)}";
        return Path.Combine(RepoFolder(repoId), "subsets", commit, Path.GetDirectoryName(local) ?? "", name);
    }

    /// <summary>The subset <see cref="SubsetPath"/> names when it is complete on disk, or null.</summary>
    public string? FindSubset(string repoId, string commit, string repoPath, string part) =>
        SubsetPath(repoId, commit, repoPath, part) is var path && File.Exists(path) ? path : null;

    /// <summary>The commit a revision names: itself when it is a commit hash, else the content of refs/{revision}.</summary>
    public string? ResolveCommit(string repoId, string revision)
    {
        if (HubModelId.IsCommitHash(revision)) return revision;
        var refPath = Path.Combine(RepoFolder(repoId), "refs", LocalPath(revision));
        try
        {
            if (!File.Exists(refPath)) return null;
            var commit = File.ReadAllText(refPath).Trim();
            return HubModelId.IsCommitHash(commit) ? commit : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The cached file at that commit (a symlink whose blob exists, or a plain file), or null.</summary>
    public string? FindFile(string repoId, string commit, string repoPath)
    {
        var path = Path.Combine(SnapshotFolder(repoId, commit), LocalPath(repoPath));
        return IsUsableFile(path) ? path : null;
    }

    // .NET's File.Exists is true for a dangling symlink: follow the link, so a snapshot whose blob was deleted
    // counts as absent and is fetched again.
    private static bool IsUsableFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return false;
        if (info.LinkTarget is null) return true;
        try { return info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true }; }
        catch (IOException) { return false; }
    }

    /// <summary>The first candidate present at that commit, or null.</summary>
    public string? FindAny(string repoId, string commit, RequiredFile file) =>
        file.Candidates.Select(c => FindFile(repoId, commit, c)).FirstOrDefault(p => p is not null);

    public bool IsMarkedMissing(string repoId, string commit, string repoPath) =>
        File.Exists(Path.Combine(RepoFolder(repoId), ".no_exist", commit, LocalPath(repoPath)));

    /// <summary>Records which commit a branch or tag points to (nothing for a commit hash, as huggingface_hub).</summary>
    public void WriteRef(string repoId, string revision, string commit)
    {
        if (revision == commit) return;
        var refPath = Path.Combine(RepoFolder(repoId), "refs", LocalPath(revision));
        if (File.Exists(refPath) && File.ReadAllText(refPath).Trim() == commit) return;
        Directory.CreateDirectory(Path.GetDirectoryName(refPath)!);
        var temp = refPath + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, commit);
        File.Move(temp, refPath, overwrite: true);
    }

    /// <summary>Points snapshots/{commit}/{path} at blobs/{etag} with a relative symlink (copies where links fail).</summary>
    public string LinkIntoSnapshot(string repoId, string commit, string repoPath, string etag)
    {
        var pointer = Path.Combine(SnapshotFolder(repoId, commit), LocalPath(repoPath));
        var blob = BlobPath(repoId, etag);
        Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
        // Relative, so a moved or mounted cache keeps working (huggingface_hub _create_symlink).
        var relative = Path.GetRelativePath(Path.GetDirectoryName(pointer)!, blob);
        if (File.Exists(pointer) || IsLink(pointer)) File.Delete(pointer);
        try { File.CreateSymbolicLink(pointer, relative); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(blob, pointer, overwrite: true);
        }
        return pointer;
    }

    /// <summary>Records that a file does not exist at a commit (huggingface_hub's .no_exist marker).</summary>
    public void MarkMissing(string repoId, string commit, string repoPath)
    {
        var marker = Path.Combine(RepoFolder(repoId), ".no_exist", commit, LocalPath(repoPath));
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        if (!File.Exists(marker)) File.WriteAllBytes(marker, []);
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    // Repo paths always use '/'; on disk they use the platform separator.
    private static string LocalPath(string repoPath) => Path.Combine(repoPath.Split('/'));
}
