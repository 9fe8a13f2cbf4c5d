using System.IO.Compression;
using LatentAudio.Audio;

namespace LatentAudio.Tests.Visqol;

/// <summary>The google/visqol conformance files, stored gzip-compressed (byte copies of upstream testdata; Apache-2.0, see
/// Fixtures/visqol/LICENSE) to keep the fixtures under 10 MB.</summary>
internal static class VisqolFixtures
{
    public static AudioBuffer Load(string name)
    {
        string path = TestPaths.Fixtures("visqol", name + ".gz");
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var bytes = new MemoryStream();
        gz.CopyTo(bytes);
        bytes.Position = 0;
        using var reader = AudioFile.OpenReader(bytes, name);
        return AudioFile.ReadAll(reader, name);
    }
}
