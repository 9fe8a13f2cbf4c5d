using System.Net.Http.Headers;

namespace LatentAudio.Models.Hub;

public sealed partial class HubDownloader
{
    /// <summary>
    /// The file <paramref name="meta"/> describes as an <see cref="IByteRangeSource"/>: each read is one GET with
    /// <c>Range: bytes=first-last</c> (RFC 9110 §14.1.2) on the (redirected) blob URL, with the token and redirect
    /// rules of every other download. A 200 answer means the server ignores Range (§14.2 allows it): the read throws
    /// <see cref="RangeNotHonouredException"/> without reading that body.
    /// </summary>
    public IByteRangeSource OpenRange(HubModelId id, string repoPath, HubFileMetadata meta)
    {
        if (_settings.Offline) throw new InvalidOperationException("offline: the resolver must not call the downloader");
        return new HttpRangeSource(this, id, repoPath, meta);
    }

    private sealed class HttpRangeSource(HubDownloader owner, HubModelId id, string repoPath, HubFileMetadata meta) : IByteRangeSource
    {
        private long _read;

        public string Name => $"{id}/{repoPath}";
        public long Length => meta.Size ?? throw new RangeNotHonouredException($"{Name}: the hub did not say the file's size");
        public long BytesRead => Interlocked.Read(ref _read);

        public async Task<byte[]> ReadAsync(long offset, int count, CancellationToken ct)
        {
            var buffer = new byte[count];
            if (count == 0) return buffer;
            var url = meta.Location;
            for (int hop = 0; hop < 10; hop++)
            {
                using var request = owner.NewRequest(HttpMethod.Get, url);
                request.Headers.Range = new RangeHeaderValue(offset, offset + count - 1);
                using var response = await owner.SendAsync(request, id, ct);
                int code = (int)response.StatusCode;
                if (code is >= 300 and < 400 && response.Headers.Location is { } next) { url = new Uri(url, next); continue; }
                if (code == 200)
                    throw new RangeNotHonouredException($"{Name}: the server ignores Range requests (it answered 200 with the whole file)");
                if (code != 206) throw Failure(id, $"HTTP {code} {response.ReasonPhrase} reading bytes {offset}-{offset + count - 1} of {repoPath}");
                // RFC 9110 §14.4: Content-Range names the bytes sent and the complete length; another length means
                // the file changed on the server after the HEAD.
                var range = response.Content.Headers.ContentRange;
                if (range?.From != offset || range.To != offset + count - 1)
                    throw Failure(id, $"the server sent bytes {range?.From}-{range?.To} of {repoPath} for a request of {offset}-{offset + count - 1}");
                if (range.Length is long total && total != Length)
                    throw Failure(id, $"{repoPath} is {total} bytes on the server now, {Length} a moment ago: it changed; run again");
                await ReadBodyAsync(response, buffer, ct);
                Interlocked.Add(ref _read, count);
                return buffer;
            }
            throw Failure(id, $"too many redirects for {repoPath}");
        }

        private async Task ReadBodyAsync(HttpResponseMessage response, byte[] buffer, CancellationToken ct)
        {
            int have = 0;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                while (have < buffer.Length)
                {
                    using var stall = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    stall.CancelAfter(owner._settings.ReadTimeout);
                    int n = await body.ReadAsync(buffer.AsMemory(have), stall.Token);
                    if (n == 0) break;
                    have += n;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !ct.IsCancellationRequested))
            {
                throw new HubConnectionException($"{Name}: a range read broke off after {have} of {buffer.Length} bytes ({e.Message}); run again to resume", resumable: true, e);
            }
            if (have < buffer.Length)
                throw new HubConnectionException($"{Name}: a range read broke off after {have} of {buffer.Length} bytes; run again to resume", resumable: true);
        }
    }
}
