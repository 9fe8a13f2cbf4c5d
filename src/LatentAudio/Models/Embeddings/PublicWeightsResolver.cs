using System.Security.Cryptography;
using LatentAudio.Models.Hub;

namespace LatentAudio.Models.Embeddings;

/// <summary>Where public weights files are cached and whether the network may be used.</summary>
/// <param name="CacheDir">$LATENTAUDIO_CACHE, else ~/.cache/latentaudio/weights.</param>
/// <param name="Offline">HF_HUB_OFFLINE (or TRANSFORMERS_OFFLINE) set, as for the AudioLDM weights.</param>
public sealed record PublicWeightsSettings(string CacheDir, bool Offline)
{
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public static PublicWeightsSettings FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    public static PublicWeightsSettings FromEnvironment(Func<string, string?> env)
    {
        var cache = env("LATENTAUDIO_CACHE") is { Length: > 0 } c ? c
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "latentaudio", "weights");
        return new PublicWeightsSettings(cache, HubSettings.IsTrue(env("HF_HUB_OFFLINE") ?? env("TRANSFORMERS_OFFLINE")));
    }
}

/// <summary>
/// Finds a <see cref="PublicWeightsFile"/>: the file the user gives, else the cache's copy, else a download into the
/// cache (to a temporary name, checked, then renamed, so an interrupted download never leaves a file that looks
/// complete). The sha256 is checked when the descriptor knows it; a short value is a prefix, as torch.hub's
/// check_hash compares the hex digits in the published file name.
/// </summary>
public sealed class PublicWeightsResolver(PublicWeightsSettings settings)
{
    public string CachePath(PublicWeightsFile file) => Path.Combine(settings.CacheDir, file.FileName);

    public string Resolve(PublicWeightsFile file, string? userFile = null, CancellationToken ct = default)
    {
        if (userFile is not null)
            return File.Exists(userFile) ? userFile : throw InvalidInputException.ForFile(userFile, "not found");
        var cached = CachePath(file);
        if (File.Exists(cached)) return cached;
        if (settings.Offline)
            throw Unavailable(file, $"it is not in the cache ({cached}) and HF_HUB_OFFLINE is set");
        return Download(file, cached, ct);
    }

    private string Download(PublicWeightsFile file, string target, CancellationToken ct)
    {
        Directory.CreateDirectory(settings.CacheDir);
        var temp = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.incomplete";
        try
        {
            using (var handler = new SocketsHttpHandler { ConnectTimeout = settings.ConnectTimeout, AllowAutoRedirect = true })
            using (var http = new HttpClient(handler) { Timeout = settings.Timeout })
            {
                http.DefaultRequestHeaders.UserAgent.ParseAdd($"latentaudio/{typeof(PublicWeightsResolver).Assembly.GetName().Version}");
                using var response = http.GetAsync(file.Url, HttpCompletionOption.ResponseHeadersRead, ct).GetAwaiter().GetResult();
                if (!response.IsSuccessStatusCode)
                    throw Unavailable(file, $"the server answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
                using var body = response.Content.ReadAsStream(ct);
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                body.CopyTo(output);
            }
            if (file.Sha256 is { } expected)
            {
                var actual = Sha256Of(temp);
                if (!actual.StartsWith(expected, StringComparison.OrdinalIgnoreCase))
                    throw new LatentAudioException($"{file.Url}: the download's sha256 is {actual}, expected {expected}{(expected.Length < 64 ? "…" : "")}; it was discarded, run again to retry");
            }
            try { File.Move(temp, target, overwrite: false); }
            catch (IOException) when (File.Exists(target)) { } // another process finished it first
            return target;
        }
        catch (HttpRequestException e) { throw Unavailable(file, $"cannot reach {file.Url.Host} ({e.Message})", e); }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested) { throw Unavailable(file, $"no answer from {file.Url.Host} in time", e); }
        finally { if (File.Exists(temp)) TryDelete(temp); }
    }

    private LatentAudioException Unavailable(PublicWeightsFile file, string why, Exception? inner = null) =>
        new($"the {file.Name} weights are needed: {why}. Download {file.Url} (documented in {file.Source}) and give " +
            $"the file, or place it at {CachePath(file)}", inner ?? new InvalidOperationException(why)) { Remedy = Remedy.ChooseWeights };

    public static string Sha256Of(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }

    private static void TryDelete(string path) { try { File.Delete(path); } catch (IOException) { } }
}
