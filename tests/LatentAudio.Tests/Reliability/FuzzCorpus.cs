using LatentAudio.Codec;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Tests.Codec;

namespace LatentAudio.Tests.Reliability;

/// <summary>The inputs each target is replayed on: fuzz/corpus/TARGET, the regression files, and a fresh codec file.</summary>
public static class FuzzCorpus
{
    public static readonly string[] TargetNames =
        ["wav", "flac", "mp3", "ogg", "npy", "safetensors", "vae-config", "vocoder-config", "torch-checkpoint", "pickle", "codec"];

    public static IEnumerable<object[]> Targets => TargetNames.Select(n => new object[] { n });

    public static string CorpusDir(string target) => Path.Combine(TestPaths.RepoRoot, "fuzz", "corpus", target);
    public static string RegressionDir(string target) => TestPaths.Fixtures("reliability", "regressions", target);

    public static List<(string Name, byte[] Bytes)> Load(string target)
    {
        var files = new List<(string, byte[])>();
        foreach (var dir in new[] { CorpusDir(target), RegressionDir(target) })
            if (Directory.Exists(dir))
                foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
                    files.Add((Path.GetRelativePath(TestPaths.RepoRoot, f), File.ReadAllBytes(f)));
        if (target == "codec") files.Add(("(fresh codec file)", FreshLatentFile(2)));
        return files;
    }

    /// <summary>A latent file as the codec writes it today (fake VAE), so a format change cannot leave the seeds stale.</summary>
    public static byte[] FreshLatentFile(double seconds)
    {
        var codec = new LatentCodec(new FakeAutoencoder(), CodecTestData.ModelA, new FakeFrontEnd());
        using var ms = new MemoryStream();
        codec.Encode(CodecTestData.Tone(seconds), ms, new LatentCodecOptions(QuantiserSettings.FixedStep(0.05), WindowMelFrames: 128, OverlapMelFrames: 32));
        return ms.ToArray();
    }
}
