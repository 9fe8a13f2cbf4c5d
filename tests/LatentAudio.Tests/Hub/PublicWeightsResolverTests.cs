using LatentAudio.Models.Embeddings;

namespace LatentAudio.Tests.Hub;

/// <summary>Public weights: the user's file, the cache, a download (temp + rename, sha256 checked), offline refusal.</summary>
public class PublicWeightsResolverTests
{
    private static readonly byte[] Payload = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();

    private static PublicWeightsFile Descriptor(FakeHubServer server, string? sha) =>
        new("tiny", new Uri($"{server.Endpoint}/{FakeHubServer.Repo}/resolve/main/weights.pth"), "tiny-weights.pth", sha, "a test");

    [Fact]
    public void DownloadsIntoTheCacheOnceAndChecksTheHashPrefix()
    {
        using var server = new FakeHubServer(new Dictionary<string, byte[]> { ["weights.pth"] = Payload });
        using var dir = new TestPaths.TempDir();
        var resolver = new PublicWeightsResolver(new PublicWeightsSettings(dir.Path, Offline: false));
        var file = Descriptor(server, FakeHubServer.Sha256(Payload)[..8]);
        var path = resolver.Resolve(file);
        Assert.Equal(Path.Combine(dir.Path, "tiny-weights.pth"), path);
        Assert.Equal(Payload, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary file left behind
        int requests = server.Requests.Count;
        Assert.Equal(path, resolver.Resolve(file));
        Assert.Equal(requests, server.Requests.Count); // the cache answers
    }

    [Fact]
    public void AWrongHashIsDiscarded()
    {
        using var server = new FakeHubServer(new Dictionary<string, byte[]> { ["weights.pth"] = Payload });
        using var dir = new TestPaths.TempDir();
        var resolver = new PublicWeightsResolver(new PublicWeightsSettings(dir.Path, Offline: false));
        var e = Assert.Throws<LatentAudioException>(() => resolver.Resolve(Descriptor(server, "deadbeef")));
        Assert.Contains("sha256", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void OfflineNamesTheUrlAndTheRemedy()
    {
        using var server = new FakeHubServer(new Dictionary<string, byte[]> { ["weights.pth"] = Payload });
        using var dir = new TestPaths.TempDir();
        var resolver = new PublicWeightsResolver(new PublicWeightsSettings(dir.Path, Offline: true));
        var file = Descriptor(server, null);
        var e = Assert.Throws<LatentAudioException>(() => resolver.Resolve(file));
        Assert.Contains(file.Url.ToString(), e.Message);
        Assert.Contains("HF_HUB_OFFLINE", e.Message);
        Assert.Equal(Remedy.ChooseWeights, e.Remedy);
        Assert.DoesNotContain("--", e.Message); // the library never names CLI flags
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void NoNetworkIsTheSameClearError()
    {
        using var dir = new TestPaths.TempDir();
        var resolver = new PublicWeightsResolver(new PublicWeightsSettings(dir.Path, Offline: false) { ConnectTimeout = TimeSpan.FromSeconds(2) });
        var file = new PublicWeightsFile("tiny", new Uri("http://127.0.0.1:9/none.pth"), "none.pth", null, "a test");
        var e = Assert.Throws<LatentAudioException>(() => resolver.Resolve(file));
        Assert.Contains("http://127.0.0.1:9/none.pth", e.Message);
        Assert.Equal(Remedy.ChooseWeights, e.Remedy);
    }

    [Fact]
    public void TheUsersFileWinsAndAMissingOneIsNamed()
    {
        using var dir = new TestPaths.TempDir();
        var resolver = new PublicWeightsResolver(new PublicWeightsSettings(dir.Path, Offline: true));
        var mine = dir.File("mine.pth");
        File.WriteAllBytes(mine, Payload);
        var file = new PublicWeightsFile("tiny", new Uri("http://127.0.0.1:9/x.pth"), "x.pth", null, "a test");
        Assert.Equal(mine, resolver.Resolve(file, mine));
        var e = Assert.Throws<InvalidInputException>(() => resolver.Resolve(file, dir.File("missing.pth")));
        Assert.Contains("missing.pth", e.Message);
    }

    [Fact]
    public void CacheFolderComesFromTheEnvironment()
    {
        var s = PublicWeightsSettings.FromEnvironment(n => n switch { "LATENTAUDIO_CACHE" => "/tmp/w", "HF_HUB_OFFLINE" => "1", _ => null });
        Assert.Equal("/tmp/w", s.CacheDir);
        Assert.True(s.Offline);
        var d = PublicWeightsSettings.FromEnvironment(_ => null);
        Assert.EndsWith(Path.Combine(".cache", "latentaudio", "weights"), d.CacheDir);
        Assert.False(d.Offline);
    }
}
