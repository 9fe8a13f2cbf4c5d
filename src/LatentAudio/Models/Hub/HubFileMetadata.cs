namespace LatentAudio.Models.Hub;

/// <summary>
/// What a HEAD on a resolve URL says about a file (huggingface_hub <c>get_hf_file_metadata</c>): the commit the
/// revision resolved to (X-Repo-Commit), the blob's ETag (X-Linked-Etag for LFS files, else ETag), its size
/// (X-Linked-Size, else Content-Length) and where to GET it (the redirect target for LFS files).
/// </summary>
public sealed record HubFileMetadata(string Commit, string Etag, long? Size, Uri Location);

/// <summary>The hub could not be reached or a transfer broke off: a network problem, not bad input.</summary>
public sealed class HubConnectionException(string message, bool resumable, Exception? inner = null)
    : LatentAudioException(message, inner ?? new Exception(message))
{
    /// <summary>True when a body transfer was cut off, so a Range request may continue it.</summary>
    public bool Resumable { get; } = resumable;
}
