namespace LatentAudio.Models.Onnx;

/// <summary>
/// The files a network's graphs are built from (config.json and the weights); their sha256 is computed on first
/// use only, so a run without a graph cache never reads the weights whole. The graph cache asks through its
/// <see cref="FileDigests"/>, which reads a file again only when its identity changed (see there for what is trusted).
/// </summary>
public sealed class GraphFiles(string configPath, string weightsPath)
{
    private readonly Lock _lock = new();
    private string? _config, _weights;

    public string ConfigPath => configPath;
    public string WeightsPath => weightsPath;

    /// <summary>sha256 of config.json, read whole.</summary>
    public string ConfigSha256 => Digests(null).Config;
    /// <summary>sha256 of the weights, read whole.</summary>
    public string WeightsSha256 => Digests(null).Weights;

    /// <summary>Both digests, from <paramref name="digests"/> when given (else by reading the files); computed once per instance.</summary>
    internal (string Config, string Weights) Digests(FileDigests? digests)
    {
        lock (_lock)
        {
            _config ??= digests?.Sha256(configPath) ?? FileDigests.Hash(configPath);
            _weights ??= digests?.Sha256(weightsPath) ?? FileDigests.Hash(weightsPath);
            return (_config, _weights);
        }
    }
}
