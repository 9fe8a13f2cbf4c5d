using System.Security.Cryptography;

namespace LatentAudio.Models.Onnx;

/// <summary>
/// The files a network's graphs are built from (config.json and the weights); their sha256 is computed on first
/// use only, so a run without a graph cache never reads the weights whole.
/// </summary>
public sealed class GraphFiles(string configPath, string weightsPath)
{
    private readonly Lazy<string> _config = new(() => Sha256Hex(configPath));
    private readonly Lazy<string> _weights = new(() => Sha256Hex(weightsPath));

    public string ConfigSha256 => _config.Value;
    public string WeightsSha256 => _weights.Value;

    private static string Sha256Hex(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
