using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace LatentAudio.Models.Onnx;

/// <summary>
/// Optimised graphs kept between processes: the model ONNX Runtime writes after its graph optimisations
/// (<see cref="SessionOptions.OptimizedModelFilePath"/>), loaded later with optimisations off, which skips building
/// the graph from the weights and optimising it again. An entry is two files: the graph,
/// <c>{graph}-{key}.{id}.{xxh128}.onnx</c>, and its initializers, <c>{graph}-{key}.{id}.data</c> (ONNX external data,
/// which ONNX Runtime writes page-aligned and memory-maps on load instead of copying). The key hashes everything the
/// optimised graph depends on (<see cref="Key"/>); <c>id</c> is unique per store (the graph names its data file, so
/// two processes storing the same key never write one data file); the XxHash128 of both files' bytes is checked on
/// every load, so a stale entry is never found and a corrupt one is deleted and rebuilt, never trusted. The graph is
/// written to a temporary file and renamed into place after its data file is complete, so processes sharing the
/// folder see a whole entry or none. Entries are never written in place once named.
/// </summary>
public sealed class GraphCache
{
    /// <summary>Off (<c>off</c>, <c>0</c>, <c>false</c>, <c>no</c>), or the folder to use instead of the default.</summary>
    public const string EnvironmentVariable = "LATENTAUDIO_GRAPH_CACHE";

    private const string Extension = ".onnx";
    private const string DataExtension = ".data";
    private const string TempPrefix = ".tmp-";

    /// <summary>The entries' layout, part of the key: entries of an older layout (one file, initializers inside) are
    /// never found.</summary>
    private const string Layout = "external-data-1";

    /// <summary>The subfolder of remembered weight digests (<see cref="FileDigests"/>).</summary>
    public const string DigestsFolder = "digests";

    public GraphCache(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Folder = folder;
        Digests = new FileDigests(Path.Combine(folder, DigestsFolder));
    }

    public string Folder { get; }

    /// <summary>The sha256 of config and weights for the key, re-read only when a file's identity changed.</summary>
    internal FileDigests Digests { get; }

    /// <summary>The cache folder the environment asks for, or null when it turns the cache off:
    /// <c>$LATENTAUDIO_GRAPH_CACHE</c>, else <c>$XDG_CACHE_HOME/latentaudio/graphs</c>, else <c>~/.cache/latentaudio/graphs</c>.</summary>
    public static string? FolderFromEnvironment() => FolderFromEnvironment(Environment.GetEnvironmentVariable);

    public static string? FolderFromEnvironment(Func<string, string?> env)
    {
        string? Get(string name) => env(name) is { Length: > 0 } v ? v : null;
        if (Get(EnvironmentVariable) is { } chosen)
            return chosen.Trim().ToLowerInvariant() is "off" or "0" or "false" or "no" ? null : Expand(chosen);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var cacheHome = Get("XDG_CACHE_HOME") is { } x ? Expand(x) : Path.Combine(home, ".cache");
        return Path.Combine(cacheHome, "latentaudio", "graphs");
    }

    private static string Expand(string path)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return path == "~" ? home : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(home, path[2..]) : path;
    }

    /// <summary>
    /// Hex sha256 over what the optimised graph depends on: the graph's name and the builder's
    /// <see cref="GraphBuilder.Version"/>, the sha256 of config and weights, the ONNX Runtime version, the
    /// optimisation level, the execution provider and the CPU's instruction sets (ONNX Runtime's layout
    /// transformer writes CPU-specific blocked layouts into the graph).
    /// </summary>
    public static string Key(string graph, GraphFiles files, SessionSettings settings) => Key(graph, files, settings, GraphBuilder.Version);

    internal static string Key(string graph, GraphFiles files, SessionSettings settings, int builderVersion) =>
        Key(graph, files.ConfigSha256, files.WeightsSha256, settings, builderVersion);

    private static string Key(string graph, string configSha256, string weightsSha256, SessionSettings settings, int builderVersion)
    {
        var text = string.Join('\n',
            "graph=" + graph,
            "builder=" + builderVersion,
            "config=" + configSha256,
            "weights=" + weightsSha256,
            "ort=" + OrtEnv.Instance().GetVersionString(),
            "optimization=" + settings.OptimizationLevel,
            "provider=" + settings.Provider,
            "cpu=" + CpuFeatures,
            "layout=" + Layout);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The architecture and the instruction sets ONNX Runtime's CPU kernels and layouts choose between.</summary>
    public static string CpuFeatures { get; } = string.Join(',', new (string Name, bool On)[]
    {
        (RuntimeInformation.ProcessArchitecture.ToString(), true),
        ("sse41", Sse41.IsSupported), ("avx", Avx.IsSupported), ("avx2", Avx2.IsSupported), ("fma", Fma.IsSupported),
        ("avx512f", Avx512F.IsSupported), ("avx512bw", Avx512BW.IsSupported), ("avx512vbmi", Avx512Vbmi.IsSupported),
        ("avxvnni", AvxVnni.IsSupported), ("advsimd", AdvSimd.IsSupported), ("armdp", Dp.IsSupported),
    }.Where(f => f.On).Select(f => f.Name));

    /// <summary>
    /// A session over the cached optimised graph of <paramref name="graph"/>, or — on a miss — over the graph
    /// <paramref name="build"/> makes, whose optimised form is then stored. A cache that cannot be written (read-only
    /// folder, full disk) only costs the speed-up.
    /// </summary>
    internal InferenceSession Open(string graph, GraphFiles files, SessionSettings settings, Func<ModelProto> build)
    {
        var prefix = Prefix(graph, files, settings);
        return TryLoad(prefix, settings) ?? BuildAndStore(prefix, settings, build);
    }

    /// <summary>Whether the folder holds an entry named for <paramref name="graph"/> of these files and settings. Its bytes
    /// are not checked here (loading checks them): this only tells a caller that a load will most likely not build.</summary>
    internal bool Holds(string graph, GraphFiles files, SessionSettings settings)
    {
        if (!Directory.Exists(Folder)) return false;
        return Directory.EnumerateFiles(Folder, Prefix(graph, files, settings) + ".*" + Extension)
            .Any(p => !Path.GetFileName(p).StartsWith(TempPrefix, StringComparison.Ordinal));
    }

    /// <summary><c>{graph}-{key}</c>, the key's digests from <see cref="Digests"/> (re-read only when a file changed).</summary>
    private string Prefix(string graph, GraphFiles files, SessionSettings settings)
    {
        var (config, weights) = files.Digests(Digests);
        return $"{graph}-{Key(graph, config, weights, settings, GraphBuilder.Version)}";
    }

    /// <summary>The entries of this folder (whole ones; temporary files excluded).</summary>
    public IReadOnlyList<string> Entries() =>
        Directory.Exists(Folder)
            ? Directory.EnumerateFiles(Folder, "*" + Extension).Where(p => !Path.GetFileName(p).StartsWith(TempPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The data file of an entry (<see cref="Entries"/>): its name without <c>.{xxh128}.onnx</c>, plus <c>.data</c>.</summary>
    public static string DataFileOf(string entry)
    {
        var stem = entry[..^Extension.Length];
        return stem[..stem.LastIndexOf('.')] + DataExtension;
    }

    /// <summary>Bytes of the whole entries (graphs and data files).</summary>
    public long Bytes() => Entries().Sum(e => new FileInfo(e).Length + (File.Exists(DataFileOf(e)) ? new FileInfo(DataFileOf(e)).Length : 0));

    private InferenceSession? TryLoad(string prefix, SessionSettings settings)
    {
        if (!Directory.Exists(Folder)) return null;
        foreach (var path in Directory.EnumerateFiles(Folder, prefix + ".*" + Extension))
        {
            var parts = Path.GetFileName(path)[(prefix.Length + 1)..^Extension.Length].Split('.');
            if (parts.Length != 2) continue;
            var (id, expected) = (parts[0], parts[1]);
            var data = DataPath(prefix, id);
            var before = (Stamp(path), Stamp(data));
            if (before.Item1 is null || before.Item2 is null)
            {
                TryDelete(path);   // the graph without its data file: never loadable
                continue;
            }
            string checksum;
            try { checksum = ChecksumOf(path, data); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (!string.Equals(checksum, expected, StringComparison.Ordinal))
            {
                TryDelete(path);
                TryDelete(data);
                continue;
            }
            using var options = settings.CreateOptions();
            // Already optimised by this ONNX Runtime at this level: running the optimisers again would only cost time
            // (ORT's "offline mode", onnxruntime.ai/docs/performance/model-optimizations/graph-optimizations.html).
            options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
            InferenceSession session;
            try { session = new InferenceSession(path, options); }
            catch (OnnxRuntimeException)
            {
                TryDelete(path);
                TryDelete(data);
                continue;
            }
            // ONNX Runtime read the graph and mapped the data itself, after the check: the session is kept only if
            // neither file changed in between, so what it runs is what was checked.
            if ((Stamp(path), Stamp(data)) == before) return session;
            session.Dispose();
        }
        return null;
    }

    private string DataPath(string prefix, string id) => Path.Combine(Folder, $"{prefix}.{id}{DataExtension}");

    /// <summary>A file's identity (<see cref="FileIdentity"/>: inode, size, mtime, ctime), or where statx is unavailable
    /// its size and mtime; null when it is missing.</summary>
    private static string? Stamp(string path)
    {
        if (FileIdentity.Of(path) is { } id) return id.ToString();
        var info = new FileInfo(path);
        return info.Exists ? $"{info.Length} {info.LastWriteTimeUtc.Ticks}" : null;
    }

    private InferenceSession BuildAndStore(string prefix, SessionSettings settings, Func<ModelProto> build)
    {
        using var options = settings.CreateOptions();
        string? temp = null, data = null, id = null;
        try
        {
            Directory.CreateDirectory(Folder);
            id = Guid.NewGuid().ToString("N");
            temp = Path.Combine(Folder, $"{TempPrefix}{id}{Extension}");
            data = DataPath(prefix, id);
            options.OptimizedModelFilePath = temp;
            // Initializers in a data file beside the graph (named relative to it): ONNX Runtime aligns them to pages
            // and memory-maps them when the entry is loaded, instead of parsing and copying 422 MiB out of the
            // protobuf (full-size model, 3 sessions: 1.3 -> 0.7 CPU-s, peak RSS 525 -> 134 MiB).
            options.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", Path.GetFileName(data));
            options.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
            // ORT warns, on every store, that a model optimised at this level is hardware-specific: the key holds the
            // CPU's instruction sets for exactly that reason, so the warning would only alarm users.
            options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { temp = null; }
        InferenceSession session;
        try { session = new InferenceSession(build().ToByteArray(), options); }
        catch
        {
            if (temp is not null) { TryDelete(temp); TryDelete(data!); }
            throw;
        }
        if (temp is not null) Commit(temp, data!, prefix, id!);
        return session;
    }

    /// <summary>Names the finished graph after the checksum of both files and renames it into place (atomic on one
    /// volume); its data file, already complete, is found through it.</summary>
    private void Commit(string temp, string data, string prefix, string id)
    {
        try
        {
            var checksum = ChecksumOf(temp, data);
            File.Move(temp, Path.Combine(Folder, $"{prefix}.{id}.{checksum}{Extension}"), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            TryDelete(data);
        }
    }

    /// <summary>XxHash128 of the graph's bytes followed by its data file's, each read as a stream.</summary>
    internal static string ChecksumOf(string graph, string data)
    {
        var hash = new XxHash128();
        foreach (var path in new[] { graph, data })
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
            hash.Append(stream);
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
