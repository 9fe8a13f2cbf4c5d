using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace LatentAudio.Tests.Hub;

/// <summary>One request as the fake hub saw it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, bool ToCdn);

/// <summary>
/// A tiny stand-in for huggingface.co on 127.0.0.1, speaking HTTP/1.1 over raw sockets (one request per connection)
/// so a test can cut a response off halfway. It answers like the hub: <c>/{repo}/resolve/{rev}/{path}</c> gives
/// X-Repo-Commit and an ETag (git sha1 of small files); for LFS files (.safetensors, .bin) a 302 to a CDN on a
/// second port, with X-Linked-Etag (the sha256) and X-Linked-Size. The CDN honours <c>Range: bytes=N-</c> and
/// <c>bytes=N-M</c> (RFC 9110 §14.1.2) with 206 and Content-Range (§14.4), and counts the body bytes it sent.
/// </summary>
public sealed class FakeHubServer : IDisposable
{
    public const string Repo = "test-org/tiny-ldm";
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private readonly TcpListener _hub = new(IPAddress.Loopback, 0);
    private readonly TcpListener _cdn = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public FakeHubServer(IDictionary<string, byte[]> files)
    {
        Files = new Dictionary<string, byte[]>(files);
        _hub.Start();
        _cdn.Start();
        _ = AcceptLoop(_hub, toCdn: false);
        _ = AcceptLoop(_cdn, toCdn: true);
    }

    public Dictionary<string, byte[]> Files { get; }
    /// <summary>The repo this hub serves (default <see cref="Repo"/>; e.g. haoheliu/audioldm_48k for the alias).</summary>
    public string RepoId { get; init; } = Repo;
    /// <summary>Body bytes the CDN has sent for GET requests.</summary>
    public long CdnBytesSent => Interlocked.Read(ref _cdnBytesSent);
    private long _cdnBytesSent;
    /// <summary>How many ranged (N-M) CDN GETs are answered before the next one is cut off halfway; -1: never.</summary>
    public int RangedAnswersBeforeDrop = -1;
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_hub.LocalEndpoint).Port}";
    private string CdnBase => $"http://127.0.0.1:{((IPEndPoint)_cdn.LocalEndpoint).Port}";

    /// <summary>When set, resolve requests without <c>Authorization: Bearer {token}</c> get 401.</summary>
    public string? RequiredToken { get; set; }
    /// <summary>How many CDN downloads still get cut off after half of their bytes.</summary>
    public int DropsRemaining;
    /// <summary>A former name of <see cref="Repo"/>: answered with a relative redirect, as the hub does for renamed repos.</summary>
    public string? RenamedFrom { get; set; }
    /// <summary>When true the CDN ignores Range headers and always sends the whole file (200).</summary>
    public bool IgnoreRange { get; set; }
    /// <summary>When set, the CDN serves these bytes instead of the real ones (the hub still announces the real hash).</summary>
    public byte[]? CorruptCdnBody { get; set; }

    public static bool IsLfs(string path) => path.EndsWith(".safetensors", StringComparison.Ordinal) || path.EndsWith(".bin", StringComparison.Ordinal)
        || path.EndsWith(".pth", StringComparison.Ordinal);
    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
    public static string GitSha1(byte[] data) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {data.Length}\0"), .. data]));

    private async Task AcceptLoop(TcpListener listener, bool toCdn)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try { await Serve(client.GetStream(), toCdn); }
                    catch (IOException) { }
                    catch (SocketException) { }
                }
            });
        }
    }

    private async Task Serve(NetworkStream stream, bool toCdn)
    {
        var head = await ReadHead(stream);
        if (head is null) return;
        var lines = head.Split("\r\n");
        var first = lines[0].Split(' ');
        string method = first[0], path = first[1];
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Contains(':')))
            headers[line[..line.IndexOf(':')].Trim()] = line[(line.IndexOf(':') + 1)..].Trim();
        Requests.Enqueue(new RecordedRequest(method, path, headers, toCdn));
        if (toCdn) await ServeCdn(stream, method, path, headers);
        else await ServeResolve(stream, method, path, headers);
    }

    private async Task ServeResolve(NetworkStream stream, string method, string path, Dictionary<string, string> headers)
    {
        // /{org}/{name}/resolve/{rev}/{file...}
        var parts = path.TrimStart('/').Split('/');
        if (parts.Length < 5 || parts[2] != "resolve") { await Respond(stream, 404, [], null); return; }
        if ($"{parts[0]}/{parts[1]}" == RenamedFrom)
         { await Respond(stream, 307, [("Location", "/" + RepoId + "/" + string.Join('/', parts.Skip(2)))], null); return; }
        if ($"{parts[0]}/{parts[1]}" != RepoId) { await Respond(stream, 404, [("X-Error-Code", "RepoNotFound")], null); return; }
        if (RequiredToken is not null && (!headers.TryGetValue("Authorization", out var auth) || auth != $"Bearer {RequiredToken}"))
        { await Respond(stream, 401, [("X-Error-Code", "RepoNotFound")], null); return; }
        var rev = Uri.UnescapeDataString(parts[3]);
        if (rev is not ("main" or Commit)) { await Respond(stream, 404, [("X-Error-Code", "RevisionNotFound")], null); return; }
        var file = string.Join('/', parts.Skip(4).Select(Uri.UnescapeDataString));
        if (!Files.TryGetValue(file, out var data))
        { await Respond(stream, 404, [("X-Error-Code", "EntryNotFound"), ("X-Repo-Commit", Commit)], null); return; }
        if (IsLfs(file))
        {
            var sha = Sha256(data);
            await Respond(stream, 302,
            [
                ("Location", $"{CdnBase}/repos/aa/bb/{sha}?response-content-disposition=attachment"),
                ("X-Repo-Commit", Commit), ("X-Linked-Etag", $"\"{sha}\""), ("X-Linked-Size", data.Length.ToString()),
                ("ETag", $"\"{GitSha1(Encoding.ASCII.GetBytes("lfs pointer"))}\""),
            ], null);
            return;
        }
        await Respond(stream, 200, [("X-Repo-Commit", Commit), ("ETag", $"\"{GitSha1(data)}\"")], method == "GET" ? data : null, data.Length);
    }

    private async Task ServeCdn(NetworkStream stream, string method, string path, Dictionary<string, string> headers)
    {
        var sha = path.Split('?')[0].Split('/')[^1];
        var data = Files.Values.FirstOrDefault(d => Sha256(d) == sha);
        if (data is null) { await Respond(stream, 404, [], null); return; }
        if (CorruptCdnBody is not null) data = CorruptCdnBody;
        long from = 0, to = data.Length - 1;
        bool ranged = false, bounded = false;
        if (!IgnoreRange && headers.TryGetValue("Range", out var range) && range.StartsWith("bytes=") && range.IndexOf('-') is > 6 and var dash)
        {
            from = long.Parse(range[6..dash]);
            if (dash + 1 < range.Length) { to = Math.Min(to, long.Parse(range[(dash + 1)..])); bounded = true; }
            ranged = true;
        }
        if (from >= data.Length) { await Respond(stream, 416, [("Content-Range", $"bytes */{data.Length}")], null); return; }
        var body = data.AsSpan((int)from, (int)(to - from + 1)).ToArray();
        var extra = new List<(string, string)> { ("ETag", $"\"{sha}\""), ("Accept-Ranges", "bytes") };
        bool partial = ranged && (from > 0 || bounded);
        if (partial) extra.Add(("Content-Range", $"bytes {from}-{to}/{data.Length}"));
        bool dropRanged = method == "GET" && bounded && RangedAnswersBeforeDrop >= 0 && Interlocked.Decrement(ref RangedAnswersBeforeDrop) < 0;
        if (dropRanged || (method == "GET" && Interlocked.Decrement(ref DropsRemaining) >= 0))
        {
            // Promise the whole body, send half, hang up.
            await WriteHead(stream, partial ? 206 : 200, extra, body.Length);
            await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
            Interlocked.Add(ref _cdnBytesSent, body.Length / 2);
            await stream.FlushAsync();
            return;
        }
        if (method == "GET") Interlocked.Add(ref _cdnBytesSent, body.Length);
        await Respond(stream, partial ? 206 : 200, extra, method == "GET" ? body : null, body.Length);
    }

    private static async Task Respond(NetworkStream stream, int code, List<(string, string)> headers, byte[]? body, long? length = null)
    {
        await WriteHead(stream, code, headers, length ?? body?.Length ?? 0);
        if (body is not null) await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    private static async Task WriteHead(NetworkStream stream, int code, List<(string Name, string Value)> headers, long length)
    {
        var sb = new StringBuilder($"HTTP/1.1 {code} {(code is 200 or 206 ? "OK" : code == 302 ? "Found" : "Error")}\r\n");
        foreach (var (name, value) in headers) sb.Append($"{name}: {value}\r\n");
        sb.Append($"Content-Length: {length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(sb.ToString()));
    }

    private static async Task<string?> ReadHead(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (buffer.Count < 65536)
        {
            if (await stream.ReadAsync(one) == 0) return null;
            buffer.Add(one[0]);
            int n = buffer.Count;
            if (n >= 4 && buffer[n - 4] == '\r' && buffer[n - 3] == '\n' && buffer[n - 2] == '\r' && buffer[n - 1] == '\n')
                return Encoding.ASCII.GetString(buffer.ToArray(), 0, n - 4);
        }
        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _hub.Stop();
        _cdn.Stop();
    }
}
