using System.Text;
using LatentAudio.Models;
using LatentAudio.Models.Hub;

namespace LatentAudio.Tests.Hub;

public class HubDownloadTests
{
    private static readonly HubModelId Id = new(FakeHubServer.Repo, "main");

    internal static Dictionary<string, byte[]> TinyModel(int vaeBytes = 6000)
    {
        var rng = new Random(7);
        byte[] Bytes(int n) { var b = new byte[n]; rng.NextBytes(b); return b; }
        return new()
        {
            ["vae/config.json"] = Encoding.UTF8.GetBytes("{\"_class_name\": \"AutoencoderKL\", \"latent_channels\": 8}\n"),
            ["vae/diffusion_pytorch_model.safetensors"] = Bytes(vaeBytes),
            ["vocoder/config.json"] = Encoding.UTF8.GetBytes("{\"model_in_dim\": 64, \"sampling_rate\": 16000}\n"),
            ["vocoder/model.safetensors"] = Bytes(3000),
            ["unet/diffusion_pytorch_model.safetensors"] = Bytes(9000), // must never be fetched
        };
    }

    private static HubSettings Settings(FakeHubServer server, string cache, int maxResumes = 3) => new()
    {
        Endpoint = server.Endpoint, CacheDir = cache, MaxResumes = maxResumes,
        ConnectTimeout = TimeSpan.FromSeconds(5), ReadTimeout = TimeSpan.FromSeconds(10),
    };

    private static string RepoFolder(string cache) => Path.Combine(cache, "models--test-org--tiny-ldm");

    [Fact]
    public void FreshDownload_FillsThePythonCacheLayout()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel());
        var progress = new RecordingProgress();
        var location = ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.All, Settings(server, dir.Path), progress);

        var repo = RepoFolder(dir.Path);
        Assert.Equal(FakeHubServer.Commit, location.Revision);
        Assert.Equal(Path.Combine(repo, "snapshots", FakeHubServer.Commit), location.RootFolder);
        Assert.Equal(FakeHubServer.Commit, File.ReadAllText(Path.Combine(repo, "refs", "main")));
        foreach (var file in ModelFileSet.For(ModelParts.All).Select(f => f.Preferred))
        {
            var data = server.Files[file];
            var pointer = Path.Combine(location.RootFolder, file);
            Assert.Equal(data, File.ReadAllBytes(pointer));
            var etag = FakeHubServer.IsLfs(file) ? FakeHubServer.Sha256(data) : FakeHubServer.GitSha1(data);
            // A relative link into blobs/, named by the ETag, exactly as huggingface_hub writes it.
            Assert.Equal($"../../../blobs/{etag}", new FileInfo(pointer).LinkTarget);
            Assert.True(File.Exists(Path.Combine(repo, "blobs", etag)));
        }
        Assert.False(Directory.Exists(Path.Combine(location.RootFolder, "unet")));
        Assert.Empty(Directory.GetFiles(Path.Combine(repo, "blobs"), "*.incomplete"));
        Assert.DoesNotContain(server.Requests, r => r.Path.Contains("unet"));
        Assert.Contains(progress.Events, e => e.Completed && e.File == "vae/diffusion_pytorch_model.safetensors" && e.Received == 6000);
    }

    [Fact]
    public void SecondResolve_UsesTheCacheWithoutAnyRequest()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel());
        var first = ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.All, Settings(server, dir.Path));
        server.Requests.Clear();
        var again = ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.All, Settings(server, dir.Path));
        var offline = ModelResolver.Resolve(FakeHubServer.Repo + "@main", ModelParts.Vae, Settings(server, dir.Path) with { Offline = true });
        Assert.Empty(server.Requests);
        Assert.Equal(first, again);
        Assert.Equal(first.RootFolder, offline.RootFolder);
    }

    [Fact]
    public void NewPartOfACachedModel_FetchesOnlyTheMissingFiles()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel());
        ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vocoder, Settings(server, dir.Path));
        server.Requests.Clear();
        var all = ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.All, Settings(server, dir.Path));
        Assert.True(File.Exists(Path.Combine(all.VaeFolder, "config.json")));
        Assert.All(server.Requests, r => Assert.Contains("vae/", r.Path.StartsWith("/repos/") ? "vae/" : r.Path));
    }

    [Fact]
    public void InterruptedDownload_ResumesWithARangeRequest()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel()) { DropsRemaining = 1 };
        var location = ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vae, Settings(server, dir.Path));
        Assert.Equal(server.Files["vae/diffusion_pytorch_model.safetensors"],
            File.ReadAllBytes(Path.Combine(location.VaeFolder, "diffusion_pytorch_model.safetensors")));
        Assert.Contains(server.Requests, r => r.ToCdn && r.Headers.TryGetValue("Range", out var range) && range == "bytes=3000-");
    }

    [Fact]
    public void InterruptedRun_LeavesAnIncompleteFileThatTheNextRunResumes()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel()) { DropsRemaining = 1 };
        var e = Assert.ThrowsAny<LatentAudioException>(() =>
            ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vae, Settings(server, dir.Path, maxResumes: 0)));
        Assert.Contains("broke off after 3000 bytes", e.Message);
        var sha = FakeHubServer.Sha256(server.Files["vae/diffusion_pytorch_model.safetensors"]);
        var blob = Path.Combine(RepoFolder(dir.Path), "blobs", sha);
        Assert.False(File.Exists(blob));
        Assert.Equal(3000, new FileInfo(blob + ".incomplete").Length);

        server.Requests.Clear();
        var location = ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vae, Settings(server, dir.Path, maxResumes: 0));
        Assert.Equal(server.Files["vae/diffusion_pytorch_model.safetensors"], File.ReadAllBytes(blob));
        Assert.False(File.Exists(blob + ".incomplete"));
        var get = Assert.Single(server.Requests, r => r.ToCdn);
        Assert.Equal("bytes=3000-", get.Headers["Range"]);
        Assert.True(File.Exists(Path.Combine(location.VaeFolder, "diffusion_pytorch_model.safetensors")));
    }

    [Fact]
    public void HashMismatch_IsAnErrorAndLeavesNoBlob()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel());
        server.CorruptCdnBody = new byte[6000]; // right size, wrong content
        var e = Assert.ThrowsAny<LatentAudioException>(() =>
            ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vae, Settings(server, dir.Path)));
        Assert.Contains("sha256", e.Message);
        var blobs = Path.Combine(RepoFolder(dir.Path), "blobs");
        var sha = FakeHubServer.Sha256(server.Files["vae/diffusion_pytorch_model.safetensors"]);
        Assert.False(File.Exists(Path.Combine(blobs, sha)));
        Assert.Empty(Directory.GetFiles(blobs, "*.incomplete"));
        Assert.False(File.Exists(Path.Combine(RepoFolder(dir.Path), "snapshots", FakeHubServer.Commit, "vae", "diffusion_pytorch_model.safetensors")));
    }

    [Fact]
    public void Offline_AndNotCached_SaysWhatIsMissingAndHowToGetIt()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel());
        var e = Assert.ThrowsAny<LatentAudioException>(() =>
            ModelResolver.Resolve("audioldm2", ModelParts.All, Settings(server, dir.Path) with { Offline = true }));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("cvssp/audioldm2", e.Message);
        Assert.Contains("vae/config.json", e.Message);
        Assert.Contains("vocoder/model.safetensors", e.Message);
        Assert.Equal(Remedy.ChooseModel, e.Remedy); // the CLI words it as --model PATH
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void Token_IsSentToTheHubButNotToTheCdn()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel()) { RequiredToken = "hf_secret" };
        var denied = Assert.ThrowsAny<LatentAudioException>(() =>
            ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vae, Settings(server, dir.Path)));
        Assert.Contains("HF_TOKEN", denied.Message);

        ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vae, Settings(server, dir.Path) with { Token = "hf_secret" });
        Assert.Contains(server.Requests, r => !r.ToCdn && r.Headers.GetValueOrDefault("Authorization") == "Bearer hf_secret");
        Assert.All(server.Requests.Where(r => r.ToCdn), r => Assert.False(r.Headers.ContainsKey("Authorization")));
    }

    [Fact]
    public void SafetensorsMissing_FallsBackToThePyTorchBin()
    {
        using var dir = new TestPaths.TempDir();
        var files = TinyModel();
        files["vocoder/pytorch_model.bin"] = files["vocoder/model.safetensors"];
        files.Remove("vocoder/model.safetensors");
        using var server = new FakeHubServer(files);
        var location = ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vocoder, Settings(server, dir.Path));
        Assert.True(File.Exists(Path.Combine(location.VocoderFolder, "pytorch_model.bin")));
        // and the cache then satisfies the model offline
        ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vocoder, Settings(server, dir.Path) with { Offline = true });
    }

    [Fact]
    public void FileAbsentFromRepo_IsOneClearError()
    {
        using var dir = new TestPaths.TempDir();
        var files = TinyModel();
        files.Remove("vocoder/config.json");
        using var server = new FakeHubServer(files);
        var e = Assert.ThrowsAny<LatentAudioException>(() =>
            ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.All, Settings(server, dir.Path)));
        Assert.Contains("has no vocoder/config.json", e.Message);
    }

    [Fact]
    public void UnknownRevision_IsNamed()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel());
        var e = Assert.ThrowsAny<LatentAudioException>(() =>
            ModelResolver.Resolve(FakeHubServer.Repo + "@v9", ModelParts.Vae, Settings(server, dir.Path)));
        Assert.Contains("revision 'v9' not found", e.Message);
    }

    [Fact]
    public void PinnedCommit_IsFetchedAtThatCommitWithoutARef()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel());
        var location = ModelResolver.Resolve($"{FakeHubServer.Repo}@{FakeHubServer.Commit}", ModelParts.Vae, Settings(server, dir.Path));
        Assert.Equal(FakeHubServer.Commit, location.Revision);
        Assert.All(server.Requests.Where(r => !r.ToCdn), r => Assert.Contains($"/resolve/{FakeHubServer.Commit}/", r.Path));
        Assert.False(Directory.Exists(Path.Combine(RepoFolder(dir.Path), "refs")));
    }

    [Fact]
    public void UnreachableHub_FailsFastWithOneLine()
    {
        using var dir = new TestPaths.TempDir();
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var closed = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var settings = new HubSettings { Endpoint = $"http://127.0.0.1:{closed}", CacheDir = dir.Path, ConnectTimeout = TimeSpan.FromSeconds(2) };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.ThrowsAny<LatentAudioException>(() => ModelResolver.Resolve("audioldm2", ModelParts.All, settings));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.StartsWith("cannot reach http://127.0.0.1:", e.Message);
        Assert.Equal(Remedy.ChooseModel, e.Remedy); // the CLI words it as --model PATH
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void RenamedRepo_FollowsTheHubsRelativeRedirect()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel()) { RenamedFrom = "old-org/tiny-ldm" };
        var location = ModelResolver.Resolve("old-org/tiny-ldm", ModelParts.Vae, Settings(server, dir.Path));
        // Cached under the name the user asked for, as huggingface_hub does.
        Assert.Equal(Path.Combine(dir.Path, "models--old-org--tiny-ldm", "snapshots", FakeHubServer.Commit), location.RootFolder);
        Assert.Equal(server.Files["vae/config.json"], File.ReadAllBytes(Path.Combine(location.VaeFolder, "config.json")));
    }

    [Fact]
    public void ServerIgnoringRange_RestartsFromZeroAndStillVerifies()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(TinyModel()) { DropsRemaining = 1, IgnoreRange = true };
        var location = ModelResolver.Resolve(FakeHubServer.Repo, ModelParts.Vae, Settings(server, dir.Path));
        Assert.Equal(server.Files["vae/diffusion_pytorch_model.safetensors"],
            File.ReadAllBytes(Path.Combine(location.VaeFolder, "diffusion_pytorch_model.safetensors")));
    }

    [Fact]
    public void ProgressBar_WithoutATerminal_WritesOneLinePerFile()
    {
        var text = new StringWriter();
        var bar = new TextProgressBar(text, interactive: false);
        bar.Report(new DownloadProgress("vae/x", 0, 2_000_000, false));
        bar.Report(new DownloadProgress("vae/x", 1_000_000, 2_000_000, false));
        bar.Report(new DownloadProgress("vae/x", 2_000_000, 2_000_000, true));
        Assert.Equal("downloaded vae/x (2.0 MB)" + Environment.NewLine, text.ToString());
        var tty = new StringWriter();
        new TextProgressBar(tty, interactive: true).Report(new DownloadProgress("vae/x", 500_000, 2_000_000, false));
        Assert.Contains("25%", tty.ToString());
    }

    private sealed class RecordingProgress : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Events { get; } = [];
        public void Report(DownloadProgress value) { lock (Events) Events.Add(value); }
    }
}
