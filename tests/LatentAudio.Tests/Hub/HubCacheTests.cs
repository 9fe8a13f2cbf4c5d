using LatentAudio.Models;
using LatentAudio.Models.Hub;

namespace LatentAudio.Tests.Hub;

public class HubCacheTests
{
    /// <summary>Writes a cache the way Python's huggingface_hub leaves it after snapshot_download of a whole repo.</summary>
    private static string MakePythonCache(string cacheDir, string repoId, string commit, IDictionary<string, byte[]> files)
    {
        var repo = Path.Combine(cacheDir, "models--" + repoId.Replace("/", "--"));
        foreach (var (path, data) in files)
        {
            var etag = FakeHubServer.IsLfs(path) ? FakeHubServer.Sha256(data) : FakeHubServer.GitSha1(data);
            var blob = Path.Combine(repo, "blobs", etag);
            Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
            File.WriteAllBytes(blob, data);
            var pointer = Path.Combine(repo, "snapshots", commit, path);
            Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
            File.CreateSymbolicLink(pointer, Path.GetRelativePath(Path.GetDirectoryName(pointer)!, blob));
        }
        Directory.CreateDirectory(Path.Combine(repo, "refs"));
        File.WriteAllText(Path.Combine(repo, "refs", "main"), commit); // no newline, as huggingface_hub writes it
        return repo;
    }

    [Fact]
    public void PythonMadeCache_IsFoundThroughTheAliasWithoutNetwork()
    {
        using var dir = new TestPaths.TempDir();
        const string commit = "feedfacefeedfacefeedfacefeedfacefeedface";
        MakePythonCache(dir.Path, "cvssp/audioldm2", commit, HubDownloadTests.TinyModel());
        // An endpoint nobody listens on: any request would fail the test.
        var settings = new HubSettings { Endpoint = "http://127.0.0.1:9", CacheDir = dir.Path };
        var location = ModelResolver.Resolve("audioldm2", ModelParts.All, settings);
        Assert.Equal("cvssp/audioldm2", location.Id);
        Assert.Equal(commit, location.Revision);
        Assert.True(File.Exists(Path.Combine(location.VaeFolder, "diffusion_pytorch_model.safetensors")));
        Assert.Equal(location, ModelResolver.Resolve("cvssp/audioldm2@" + commit, ModelParts.Vae, settings with { Offline = true }) with { });
    }

    [Fact]
    public void The48kAliasResolvesToItsOriginalCheckpointInTheCache()
    {
        using var dir = new TestPaths.TempDir();
        const string commit = "0123456789abcdef0123456789abcdef01234567";
        var pth = File.ReadAllBytes(TestPaths.Fixtures("models", "audioldm48k", "audioldm48k_tiny.pth"));
        MakePythonCache(dir.Path, "haoheliu/audioldm_48k", commit, new Dictionary<string, byte[]> { ["audioldm_48k.pth"] = pth });
        var settings = new HubSettings { Endpoint = "http://127.0.0.1:9", CacheDir = dir.Path, Offline = true };
        var location = ModelResolver.Resolve("audioldm-48k", ModelParts.All, settings);
        Assert.Equal(("haoheliu/audioldm_48k", commit), (location.Id, location.Revision));
        using var model = LatentAudio.Models.AudioLdm.AudioLdmModel.Open("audioldm-48k", location, ModelParts.Vae);
        Assert.Equal((48000, 8, "haoheliu/audioldm_48k", commit), (model.SampleRate, model.Vae.Downsample, model.Identity.Id, model.Identity.Revision));
    }

    [Fact]
    public void DanglingSnapshotLink_CountsAsMissing()
    {
        using var dir = new TestPaths.TempDir();
        const string commit = "feedfacefeedfacefeedfacefeedfacefeedface";
        var repo = MakePythonCache(dir.Path, "cvssp/audioldm2", commit, HubDownloadTests.TinyModel());
        foreach (var blob in Directory.GetFiles(Path.Combine(repo, "blobs"))) File.Delete(blob);
        var cache = new HubCache(dir.Path);
        Assert.Null(ModelResolver.FindCached(cache, new HubModelId("cvssp/audioldm2", "main"), ModelFileSet.For(ModelParts.All)));
    }

    [Fact]
    public void RefsWithTrailingNewline_AndBranchNamesWithSlashes_Resolve()
    {
        using var dir = new TestPaths.TempDir();
        var cache = new HubCache(dir.Path);
        const string commit = "0123456789abcdef0123456789abcdef01234567";
        cache.WriteRef("a/b", "refs/pr/1", commit);
        Assert.Equal(commit, File.ReadAllText(Path.Combine(cache.RepoFolder("a/b"), "refs", "refs", "pr", "1")));
        Assert.Equal(commit, cache.ResolveCommit("a/b", "refs/pr/1"));
        File.WriteAllText(Path.Combine(cache.RepoFolder("a/b"), "refs", "main"), commit + "\n");
        Assert.Equal(commit, cache.ResolveCommit("a/b", "main"));
        Assert.Null(cache.ResolveCommit("a/b", "dev"));
    }

    [Fact]
    public void Settings_FollowHuggingFaceHubPrecedence()
    {
        var env = new Dictionary<string, string>();
        HubSettings Read() => HubSettings.FromEnvironment(n => env.GetValueOrDefault(n));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), Read().CacheDir);
        Assert.Equal("https://huggingface.co", Read().Endpoint);
        Assert.False(Read().Offline);
        env["XDG_CACHE_HOME"] = "/x";
        Assert.Equal("/x/huggingface/hub", Read().CacheDir);
        env["HF_HOME"] = "/h";
        Assert.Equal("/h/hub", Read().CacheDir);
        env["HF_HUB_CACHE"] = "~/c";
        Assert.Equal(Path.Combine(home, "c"), Read().CacheDir);
        env["HF_ENDPOINT"] = "http://mirror.example/";
        Assert.Equal("http://mirror.example", Read().Endpoint);
        foreach (var yes in new[] { "1", "true", "ON", "yes" }) { env["HF_HUB_OFFLINE"] = yes; Assert.True(Read().Offline); }
        env["HF_HUB_OFFLINE"] = "0";
        Assert.False(Read().Offline);
        env["HF_TOKEN"] = "hf_abc";
        Assert.Equal("hf_abc", Read().Token);
    }

    [Fact]
    public void Settings_ReadTheTokenFileUnderHfHome()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("token"), "hf_fromfile\n");
        var settings = HubSettings.FromEnvironment(n => n == "HF_HOME" ? dir.Path : null);
        Assert.Equal("hf_fromfile", settings.Token);
        Assert.Equal(Path.Combine(dir.Path, "hub"), settings.CacheDir);
    }

    [Theory]
    [InlineData("audioldm2", "cvssp/audioldm2", "main")]
    [InlineData("audioldm2-music@v1", "cvssp/audioldm2-music", "v1")]
    [InlineData("musicldm", "ucsd-reach/musicldm", "main")]
    [InlineData("audioldm2-ljspeech", "anhnct/audioldm2_ljspeech", "main")]
    [InlineData("someone/my_model.v2@refs/pr/3", "someone/my_model.v2", "refs/pr/3")]
    public void ModelIds_Parse(string spec, string repo, string revision) =>
        Assert.Equal(new HubModelId(repo, revision), HubModelId.TryParse(spec));

    [Theory]
    [InlineData("./folder")]
    [InlineData("../x/y")]
    [InlineData("a--b/c")]
    [InlineData("org/name/extra")]
    [InlineData("org/name@../../etc")]
    [InlineData("nosuchalias")]
    [InlineData("/abs/path")]
    public void NotModelIds_AreRefused(string spec) => Assert.Null(HubModelId.TryParse(spec));

    [Fact]
    public void UnknownSpec_IsBadInputNamingTheAliases()
    {
        using var dir = new TestPaths.TempDir();
        var e = Assert.Throws<InvalidInputException>(() =>
            ModelResolver.Resolve("./no-such-folder", ModelParts.All, new HubSettings { CacheDir = dir.Path, Offline = true }));
        Assert.Contains("audioldm2-music", e.Message);
    }

    [Fact]
    public void AFileInsteadOfAFolder_IsBadInput()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("model.safetensors"), "x");
        var e = Assert.Throws<InvalidInputException>(() =>
            ModelResolver.Resolve(dir.File("model.safetensors"), ModelParts.All, new HubSettings { CacheDir = dir.Path, Offline = true }));
        Assert.Contains("is a file", e.Message);
    }

    [Fact]
    public void KnownModels_HaveUniqueAliasesAndTheNotesFacts()
    {
        Assert.Equal(11, KnownModels.All.Count);
        Assert.Equal(KnownModels.All.Count, KnownModels.All.Select(m => m.Alias).Distinct().Count());
        Assert.All(KnownModels.All, m => Assert.NotNull(HubModelId.TryParse(m.Id)));
        Assert.Equal(0.4110932946205139, KnownModels.Find("audioldm2")!.ScalingFactor);
        Assert.Null(KnownModels.Find("cvssp/audioldm2-large")!.ScalingFactor);
        Assert.All(KnownModels.All.Where(m => m.CheckpointFile is null), m => Assert.Equal((16000, LatentAudio.Dsp.MelConfig.AudioLdm16k), (m.SampleRate, m.MelConfig)));
        var k48 = KnownModels.Find("audioldm-48k")!;
        Assert.Equal(("haoheliu/audioldm_48k", "audioldm_48k.pth", LatentAudio.Dsp.MelConfig.AudioLdm48k), (k48.Id, k48.CheckpointFile, k48.MelConfig));
    }
}

public class DownloadModelCommandTests
{
    [Fact]
    public void Offline_NotCached_IsOneLineAndExitOne()
    {
        using var dir = new TestPaths.TempDir();
        var (code, _, err) = Cli.Run("download-model", "audioldm2-music", "--offline", "--cache-dir", dir.Path);
        Assert.Equal(1, code);
        var line = Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("cvssp/audioldm2-music is not in the cache", line);
        Assert.StartsWith("latentaudio download-model: 'audioldm2-music' is no local folder", line);
        Assert.Contains("--model PATH", line);
    }

    [Fact]
    public void CachedModel_PrintsItsSnapshotFolder()
    {
        using var dir = new TestPaths.TempDir();
        using var server = new FakeHubServer(HubDownloadTests.TinyModel());
        var expected = LatentAudio.Models.ModelResolver.Resolve(FakeHubServer.Repo, LatentAudio.Models.ModelParts.All,
            new LatentAudio.Models.Hub.HubSettings { Endpoint = server.Endpoint, CacheDir = dir.Path });
        var (code, output, _) = Cli.Run("download-model", FakeHubServer.Repo, "--offline", "--cache-dir", dir.Path);
        Assert.Equal(0, code);
        Assert.Equal(expected.RootFolder, output.Trim());
    }

    [Fact]
    public void List_NamesEveryKnownModel()
    {
        var (code, output, _) = Cli.Run("download-model", "--list");
        Assert.Equal(0, code);
        Assert.Contains("ucsd-reach/musicldm", output);
        Assert.Contains("0.4110932946205139", output);
    }

    [Fact]
    public void BadModelName_IsBadInput()
    {
        var (code, _, err) = Cli.Run("download-model", "no-such-model", "--offline", "--cache-dir", "/nonexistent");
        Assert.Equal(2, code);
        Assert.Contains("known name", err);
    }
}
