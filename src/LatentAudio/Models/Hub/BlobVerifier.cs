using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LatentAudio.Models.Hub;

/// <summary>
/// Checks a downloaded file against what the hub said about it. The hub's ETag is the sha256 of an LFS file and
/// the git blob sha1 of any other file (huggingface_hub <c>hf_hub_url</c> docstring); an ETag of any other form
/// (a mirror's own) is checked for size only.
/// </summary>
public static partial class BlobVerifier
{
    /// <summary>Null when the file matches; otherwise what is wrong, one line.</summary>
    public static string? Check(string path, string etag, long? expectedSize)
    {
        long size = new FileInfo(path).Length;
        if (expectedSize is long expected && size != expected)
            return $"has {size} bytes, the hub says {expected}";
        if (Sha256Etag().IsMatch(etag))
        {
            var actual = Hash(path, SHA256.Create(), prefix: null);
            return actual == etag ? null : $"has sha256 {actual}, the hub says {etag}";
        }
        if (Sha1Etag().IsMatch(etag))
        {
            // git hashes "blob <size>\0" followed by the content.
            var actual = Hash(path, SHA1.Create(), Encoding.ASCII.GetBytes($"blob {size}\0"));
            return actual == etag ? null : $"has git sha1 {actual}, the hub says {etag}";
        }
        return null;
    }

    private static string Hash(string path, HashAlgorithm algorithm, byte[]? prefix)
    {
        using (algorithm)
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
        {
            if (prefix is not null) algorithm.TransformBlock(prefix, 0, prefix.Length, null, 0);
            var buffer = new byte[1 << 20];
            int n;
            while ((n = stream.Read(buffer)) > 0) algorithm.TransformBlock(buffer, 0, n, null, 0);
            algorithm.TransformFinalBlock([], 0, 0);
            return Convert.ToHexStringLower(algorithm.Hash!);
        }
    }

    [GeneratedRegex("^[0-9a-f]{64}$")] private static partial Regex Sha256Etag();
    [GeneratedRegex("^[0-9a-f]{40}$")] private static partial Regex Sha1Etag();
}
