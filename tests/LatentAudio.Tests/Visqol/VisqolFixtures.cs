using System.IO.Compression;
using System.Security.Cryptography;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Visqol;

/// <summary>The google/visqol conformance files (upstream testdata; Apache-2.0, see Fixtures/visqol/LICENSE). The first
/// seven are gzip-compressed byte copies (<c>name.wav.gz</c>); the strauss, harpsichord and ravel pairs are lossless FLAC
/// re-encodings of the upstream 16-bit WAVs (<c>name.flac</c>, half the size of gzip), whose samples
/// <see cref="PcmSha256"/> checks against the upstream data chunks.</summary>
internal static class VisqolFixtures
{
    /// <summary>Loads <paramref name="name"/> (an upstream file name, <c>x.wav</c>) from <c>x.wav.gz</c> or <c>x.flac</c>.</summary>
    public static AudioBuffer Load(string name)
    {
        string flac = TestPaths.Fixtures("visqol", Path.ChangeExtension(name, ".flac"));
        if (File.Exists(flac))
        {
            using var flacReader = AudioFile.OpenReader(File.OpenRead(flac), Path.GetFileName(flac));
            return AudioFile.ReadAll(flacReader, name);
        }
        string path = TestPaths.Fixtures("visqol", name + ".gz");
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var bytes = new MemoryStream();
        gz.CopyTo(bytes);
        bytes.Position = 0;
        using var reader = AudioFile.OpenReader(bytes, name);
        return AudioFile.ReadAll(reader, name);
    }

    /// <summary>SHA-256 of the buffer as interleaved little-endian 16-bit PCM, i.e. of a 16-bit WAV's data chunk.</summary>
    public static string PcmSha256(AudioBuffer buffer)
    {
        var bytes = new byte[buffer.Length * buffer.ChannelCount * 2];
        int k = 0;
        for (int i = 0; i < buffer.Length; i++)
            for (int c = 0; c < buffer.ChannelCount; c++)
            {
                float v = buffer.Channel(c)[i] * 32768f;
                short s = (short)v;
                if (s != v) throw new InvalidOperationException($"sample {i} of channel {c} is not 16-bit PCM ({v})");
                bytes[k++] = (byte)s;
                bytes[k++] = (byte)(s >> 8);
            }
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
