namespace LatentAudio.Models.Hub;

/// <summary>
/// Everything the hub code takes from the environment, as one explicit value: tests build their own, the CLI builds
/// it from the process environment with <see cref="FromEnvironment()"/>. Variable names and defaults follow
/// huggingface_hub's <c>constants.py</c> (HF_HOME, HF_HUB_CACHE, HF_HUB_OFFLINE, HF_TOKEN, HF_ENDPOINT), so both
/// tools share one cache.
/// </summary>
public sealed record HubSettings
{
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Base URL; files are fetched from <c>{Endpoint}/{repo}/resolve/{revision}/{path}</c>.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;
    /// <summary>The hub cache folder (the one holding <c>models--org--name</c> folders).</summary>
    public required string CacheDir { get; init; }
    /// <summary>Sent as <c>Authorization: Bearer</c> to the endpoint (never to a redirected CDN host).</summary>
    public string? Token { get; init; }
    /// <summary>Cache only: never open a connection.</summary>
    public bool Offline { get; init; }
    /// <summary>Short, so a machine without network fails fast.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>A response that sends nothing for this long is treated as a dropped connection.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How many times a dropped download is resumed (with a Range request) before giving up.</summary>
    public int MaxResumes { get; init; } = 3;
    /// <summary>
    /// The most one Range request of a subset fetch asks for (back-to-back zip entries are read together): fewer
    /// requests against less lost when one breaks off.
    /// </summary>
    public long RangeRunBytes { get; init; } = CheckpointSubset.DefaultRunBytes;

    public static HubSettings FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariable);

    /// <summary>Reads the variables through <paramref name="env"/> (name -> value or null).</summary>
    public static HubSettings FromEnvironment(Func<string, string?> env)
    {
        string? Get(string name) => env(name) is { Length: > 0 } v ? v : null;
        var home = Expand(Get("HF_HOME")) ?? Path.Combine(Expand(Get("XDG_CACHE_HOME")) ?? Path.Combine(UserHome(), ".cache"), "huggingface");
        var cache = Expand(Get("HF_HUB_CACHE")) ?? Expand(Get("HUGGINGFACE_HUB_CACHE")) ?? Path.Combine(home, "hub");
        var token = Get("HF_TOKEN") ?? Get("HUGGING_FACE_HUB_TOKEN") ?? ReadTokenFile(Expand(Get("HF_TOKEN_PATH")) ?? Path.Combine(home, "token"));
        return new HubSettings
        {
            Endpoint = (Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/'),
            CacheDir = cache,
            Token = token,
            Offline = IsTrue(Get("HF_HUB_OFFLINE") ?? Get("TRANSFORMERS_OFFLINE")),
        };
    }

    /// <summary>huggingface_hub's <c>_is_true</c>: 1, ON, YES, TRUE in any case.</summary>
    public static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    private static string UserHome() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string? Expand(string? path) =>
        path is null ? null
        : path == "~" ? UserHome()
        : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(UserHome(), path[2..])
        : path;

    private static string? ReadTokenFile(string path)
    {
        try { return File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } t ? t : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
