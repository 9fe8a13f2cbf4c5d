using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace LatentAudio.Models.Hub;

/// <summary>
/// Fetches a model's files from the hub into the <see cref="HubCache"/>, as huggingface_hub's hf_hub_download does:
/// HEAD the resolve URL for commit, ETag and size; GET the (redirected) blob into <c>blobs/{etag}.incomplete</c>,
/// resuming a partial one with a Range request; verify size and hash; rename to <c>blobs/{etag}</c>; link it into
/// <c>snapshots/{commit}/</c>; record <c>refs/{revision}</c>. A blob never appears under its final name unverified.
/// </summary>
public sealed partial class HubDownloader : IDisposable
{
    private readonly HubSettings _settings;
    private readonly HubCache _cache;
    private readonly IProgress<DownloadProgress>? _progress;
    private readonly HttpClient _http;
    private readonly Uri _endpoint;

    public HubDownloader(HubSettings settings, IProgress<DownloadProgress>? progress = null)
    {
        _settings = settings;
        _cache = new HubCache(settings.CacheDir);
        _progress = progress;
        if (!Uri.TryCreate(settings.Endpoint.TrimEnd('/') + "/", UriKind.Absolute, out var endpoint)
            || endpoint.Scheme is not ("https" or "http"))
            throw new InvalidInputException($"HF_ENDPOINT '{settings.Endpoint}' is not an http(s) URL");
        _endpoint = endpoint;
        // Redirects are followed by hand: the token must not travel to a CDN host, and an LFS redirect's target is
        // what we GET. Timeouts are ours too (connect: short; body: per read), so the client's own is off.
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = settings.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"latentaudio/{typeof(HubDownloader).Assembly.GetName().Version}");
    }

    public HubCache Cache => _cache;

    /// <summary>
    /// Makes every required file present in one snapshot of <paramref name="id"/> and returns that commit. Files the
    /// snapshot already holds are not requested again; a blob already in the cache is only linked.
    /// </summary>
    public async Task<string> FetchAsync(HubModelId id, IReadOnlyList<RequiredFile> files, CancellationToken ct = default)
    {
        if (_settings.Offline) throw new InvalidOperationException("offline: the resolver must not call the downloader");
        // A branch or tag is resolved by the hub on the first request; every later file is then fetched at that
        // commit, so the snapshot is consistent even if the branch moves meanwhile.
        string? commit = HubModelId.IsCommitHash(id.Revision) ? id.Revision : null;
        var absent = new List<string>();
        foreach (var file in files)
        {
            if (commit is not null && _cache.FindAny(id.RepoId, commit, file) is not null) continue;
            bool found = false;
            foreach (var candidate in file.Candidates)
            {
                var meta = await GetMetadataAsync(id, commit ?? id.Revision, candidate, ct);
                if (meta is null) continue;
                if (commit is null)
                {
                    commit = meta.Commit;
                    _cache.WriteRef(id.RepoId, id.Revision, commit);
                }
                if (_cache.FindFile(id.RepoId, commit, candidate) is null)
                {
                    await DownloadBlobAsync(id, candidate, meta, ct);
                    _cache.LinkIntoSnapshot(id.RepoId, commit, candidate, meta.Etag);
                }
                found = true;
                break;
            }
            if (!found) absent.Add(string.Join(" or ", file.Candidates));
        }
        if (commit is null) // not one answer carried hub headers: a wrong id, or an endpoint that is no hub
            throw Failure(id, $"{_endpoint.GetLeftPart(UriPartial.Authority)} has none of the model's files (HTTP 404); check the model id, the revision and HF_ENDPOINT");
        if (absent.Count > 0)
            throw new LatentAudioException($"{id}: the repo has no {string.Join(", no ", absent)} (is it an AudioLDM-family diffusers repo?)");
        return commit!;
    }

    /// <summary>HEAD of the resolve URL; null when the hub says the file does not exist (so another name may be tried).</summary>
    public async Task<HubFileMetadata?> GetMetadataAsync(HubModelId id, string revision, string repoPath, CancellationToken ct)
    {
        var url = new Uri(_endpoint, $"{id.RepoId}/resolve/{Uri.EscapeDataString(revision)}/{string.Join('/', repoPath.Split('/').Select(Uri.EscapeDataString))}");
        for (int hop = 0; hop < 10; hop++)
        {
            using var request = NewRequest(HttpMethod.Head, url);
            using var response = await SendAsync(request, id, ct);
            int code = (int)response.StatusCode;
            if (code is >= 300 and < 400)
            {
                var location = response.Headers.Location ?? throw Failure(id, $"HTTP {code} without a Location header for {repoPath}");
                // A relative redirect is the hub's own (a renamed repo): follow it and keep reading headers. An
                // absolute one points at the LFS/CDN copy: that is where the GET goes (huggingface_hub
                // _request_wrapper follow_relative_redirects).
                if (!location.IsAbsoluteUri) { url = new Uri(url, location); continue; }
                return Metadata(id, repoPath, response, location);
            }
            if (response.IsSuccessStatusCode) return Metadata(id, repoPath, response, url);
            var errorCode = Header(response, "X-Error-Code");
            if (code == 404 && errorCode is null or "EntryNotFound") return null;
            throw Failure(id, code switch
            {
                401 => "the hub refused access (401): the repo is private, gated or does not exist; set HF_TOKEN to a token that may read it",
                403 => "the hub refused access (403): accept the repo's terms on the hub and set HF_TOKEN",
                404 when errorCode == "RevisionNotFound" => $"revision '{revision}' not found",
                404 => $"repository not found ({errorCode})",
                _ => $"HTTP {code} {response.ReasonPhrase} for {repoPath}",
            });
        }
        throw Failure(id, $"too many redirects for {repoPath}");
    }

    private HubFileMetadata Metadata(HubModelId id, string repoPath, HttpResponseMessage response, Uri location)
    {
        var commit = Header(response, "X-Repo-Commit");
        if (commit is null || !HubModelId.IsCommitHash(commit))
            throw Failure(id, $"{_endpoint} sent no X-Repo-Commit header for {repoPath}: not a Hugging Face hub endpoint?");
        var etag = NormalizeEtag(Header(response, "X-Linked-Etag") ?? Header(response, "ETag"));
        if (etag is null || !SafeEtag().IsMatch(etag))
            throw Failure(id, $"{_endpoint} sent no usable ETag for {repoPath}");
        long? size = long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked : response.Content.Headers.ContentLength;
        return new HubFileMetadata(commit, etag, size, location);
    }

    /// <summary>huggingface_hub <c>_normalize_etag</c>: the value without W/ and quotes.</summary>
    public static string? NormalizeEtag(string? etag)
    {
        if (etag is null) return null;
        if (etag.StartsWith("W/", StringComparison.Ordinal)) etag = etag[2..];
        return etag.Trim('"');
    }

    private async Task DownloadBlobAsync(HubModelId id, string repoPath, HubFileMetadata meta, CancellationToken ct)
    {
        var blob = _cache.BlobPath(id.RepoId, meta.Etag);
        if (File.Exists(blob)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        var incomplete = _cache.IncompletePath(id.RepoId, meta.Etag);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await DownloadToAsync(id, repoPath, meta, incomplete, ct);
                break;
            }
            catch (HubConnectionException e) when (e.Resumable && attempt < _settings.MaxResumes) { }
        }
        if (BlobVerifier.Check(incomplete, meta.Etag, meta.Size) is { } problem)
        {
            TryDelete(incomplete);
            throw new LatentAudioException($"{id}: downloaded {repoPath} {problem}; the download was discarded, run again to retry");
        }
        try { File.Move(incomplete, blob, overwrite: false); }
        catch (IOException) when (File.Exists(blob)) { TryDelete(incomplete); } // another process finished it first
        _progress?.Report(new DownloadProgress(repoPath, new FileInfo(blob).Length, meta.Size, Completed: true));
    }

    private async Task DownloadToAsync(HubModelId id, string repoPath, HubFileMetadata meta, string incomplete, CancellationToken ct)
    {
        FileStream file;
        try { file = new FileStream(incomplete, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true); }
        catch (IOException e) { throw new LatentAudioException($"{incomplete}: cannot be opened; is another download of {id} running? ({e.Message})", e); }
        await using var _ = file;
        long have = file.Length;
        if (meta.Size is long size && have > size) { file.SetLength(0); have = 0; }
        if (meta.Size is long full && have == full) return;
        var url = meta.Location;
        for (int hop = 0; hop < 10; hop++)
        {
            using var request = NewRequest(HttpMethod.Get, url);
            if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
            using var response = await SendAsync(request, id, ct);
            int code = (int)response.StatusCode;
            if (code is >= 300 and < 400 && response.Headers.Location is { } next) { url = new Uri(url, next); continue; }
            if (code == 416 && have > 0) { file.SetLength(0); have = 0; continue; } // our partial file is not a prefix
            if (code == 200 && have > 0) { file.SetLength(0); have = 0; }          // the server ignored the Range
            else if (code == 206 && response.Content.Headers.ContentRange?.From != have)
                throw Failure(id, $"the server resumed {repoPath} at the wrong offset");
            else if (code is not (200 or 206)) throw Failure(id, $"HTTP {code} {response.ReasonPhrase} downloading {repoPath}");
            file.Seek(have, SeekOrigin.Begin);
            await CopyBodyAsync(id, repoPath, response, file, have, meta.Size, ct);
            await file.FlushAsync(ct);
            file.Flush(flushToDisk: true);
            if (meta.Size is long expected && file.Length < expected)
                throw new HubConnectionException($"{id}: the connection closed early while downloading {repoPath}", resumable: true);
            return;
        }
        throw Failure(id, $"too many redirects for {repoPath}");
    }

    private async Task CopyBodyAsync(HubModelId id, string repoPath, HttpResponseMessage response, FileStream file,
        long have, long? total, CancellationToken ct)
    {
        var buffer = new byte[1 << 20];
        _progress?.Report(new DownloadProgress(repoPath, have, total, false));
        await using var body = await ReadNetwork(() => response.Content.ReadAsStreamAsync(ct));
        while (true)
        {
            int n = await ReadNetwork(async () =>
            {
                using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
                stall.CancelAfter(_settings.ReadTimeout);
                return await body.ReadAsync(buffer, stall.Token);
            });
            if (n == 0) break;
            await file.WriteAsync(buffer.AsMemory(0, n), ct); // a disk error here is not a network drop: not retried
            have += n;
            _progress?.Report(new DownloadProgress(repoPath, have, total, false));
        }

        // Only failures of the connection are resumable; what is already in the .incomplete file stays there.
        async Task<T> ReadNetwork<T>(Func<Task<T>> read)
        {
            try { return await read(); }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                await file.FlushAsync(CancellationToken.None);
                var why = e is OperationCanceledException ? $"no data for {_settings.ReadTimeout.TotalSeconds:0} s" : e.Message;
                throw new HubConnectionException($"{id}: the download of {repoPath} broke off after {have} bytes ({why}); run again to resume", resumable: true, e);
            }
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        // Sizes and hashes are of the raw bytes: no transfer compression.
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
        if (_settings.Token is { } token && SameOrigin(url, _endpoint))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HubModelId id, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_settings.ConnectTimeout + _settings.ReadTimeout);
        try { return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token); }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw Unreachable(id, $"no answer within {(_settings.ConnectTimeout + _settings.ReadTimeout).TotalSeconds:0} s", e);
        }
        catch (HttpRequestException e) { throw Unreachable(id, e.Message, e); }
    }

    private HubConnectionException Unreachable(HubModelId id, string reason, Exception inner) =>
        new($"cannot reach {_endpoint.GetLeftPart(UriPartial.Authority)} to fetch {id} ({reason}). Without network, " +
            $"use a local model folder (holding vae/ and vocoder/), or run once with network to fill the cache at {_cache.Root}",
            resumable: false, inner) { Remedy = Remedy.ChooseModel };

    private static LatentAudioException Failure(HubModelId id, string problem) => new($"{id}: {problem}");

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? values.FirstOrDefault() : null;

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public void Dispose() => _http.Dispose();

    // An ETag becomes a file name under blobs/: hex-like names only, never a path.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}$")] private static partial Regex SafeEtag();
}
