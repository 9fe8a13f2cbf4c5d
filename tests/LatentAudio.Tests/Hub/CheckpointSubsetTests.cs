using Xunit.Abstractions;
using System.Buffers.Binary;
using System.IO.Compression;
using LatentAudio.Models;
using LatentAudio.Models.Hub;
using LatentAudio.Models.Original;
using LatentAudio.Models.Pickle;

namespace LatentAudio.Tests.Hub;

/// <summary>
/// The range subset fetch of a torch zip checkpoint: only the directory, the small entries and the storages of
/// first_stage_model.* are read; the subset is a torch zip TorchCheckpointReader reads to the same tensors.
/// </summary>
public class CheckpointSubsetTests(ITestOutputHelper output)
{
    private const string Repo48k = "haoheliu/audioldm_48k";
    private const string File48k = "audioldm_48k.pth";
    private const int PaddingEntries = 4, PaddingBytes = 2 << 20;

    private static string TinyCheckpoint => TestPaths.Fixtures("models", "audioldm48k", "audioldm48k_tiny.pth");

    /// <summary>
    /// The torch-written fixture (a real torch.save zip) rewritten entry by entry, plus storages no kept key uses
    /// (the "rest" of a whole LatentDiffusion checkpoint: 8 MB against 5 MB of VAE and vocoder).
    /// </summary>
    internal static byte[] BigCheckpoint(bool zip64 = false)
    {
        using var fixture = ZipFile.OpenRead(TinyCheckpoint);
        var root = fixture.Entries[0].FullName.Split('/')[0];
        var output = new MemoryStream();
        using (var writer = new TorchZipWriter(output, zip64))
        {
            var rng = new Random(19);
            foreach (var e in fixture.Entries)
            {
                using var s = e.Open();
                var bytes = new byte[e.Length];
                s.ReadExactly(bytes);
                writer.Add(e.FullName, bytes);
                if (e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
                    for (int i = 0; i < PaddingEntries; i++)
                    {
                        var pad = new byte[PaddingBytes];
                        rng.NextBytes(pad);
                        writer.Add($"{root}/data/unet_{i}", pad);
                    }
            }
            writer.Finish();
            return output.ToArray();
        }
    }

    private static async Task<(SubsetFetchReport Report, long Expected)> FetchFile(string zipPath, string target)
    {
        var source = new FileRangeSource(zipPath);
        var report = await CheckpointSubset.FetchAsync(source, target, OriginalLayout.IsNeeded);
        // What the subset needs, from the directory: the tail records + directory, the non-storage entries' spans and
        // the spans of the storages the kept keys use.
        var dir = await ZipDirectory.ReadAsync(new FileRangeSource(zipPath));
        var pickle = dir.Entries.Single(e => e.Name.EndsWith("/data.pkl"));
        var root = pickle.Name.Split('/')[0];
        var keys = CheckpointSubset.NeededStorages(zipPath, await dir.ReadEntryAsync(pickle), OriginalLayout.IsNeeded);
        long expected = dir.DirectoryBytesRead
            + dir.Entries.Where(e => !e.Name.StartsWith(root + "/data/")).Sum(e => e.SpanLength)
            + keys.Sum(k => dir.Find($"{root}/data/{k}")!.SpanLength);
        return (report, expected);
    }

    [Fact]
    public async Task TheTorchWrittenFixture_ReadsThroughTheRangeReader()
    {
        var dir = await ZipDirectory.ReadAsync(new FileRangeSource(TinyCheckpoint));
        using var zip = ZipFile.OpenRead(TinyCheckpoint);
        Assert.Equal(zip.Entries.Select(e => (e.FullName, e.Length)).OrderBy(x => x.FullName),
            dir.Entries.Select(e => (e.Name, e.Size)).OrderBy(x => x.Name));
        var version = dir.Entries.Single(e => e.Name.EndsWith("/version"));
        Assert.Equal("3\n", System.Text.Encoding.ASCII.GetString(await dir.ReadEntryAsync(version)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Subset_FetchesOnlyTheKeptEntries_AndReadsToTheSameTensors(bool zip64)
    {
        using var dir = new TestPaths.TempDir();
        var whole = dir.File("whole.pth");
        File.WriteAllBytes(whole, BigCheckpoint(zip64));
        var target = dir.File("subset.first_stage_model.pth");

        var (report, expected) = await FetchFile(whole, target);

        long size = new FileInfo(whole).Length;
        Assert.Equal(size, report.FileSize);
        Assert.Equal(expected, report.BytesFetched);
        Assert.True(report.BytesFetched < size - PaddingEntries * (long)PaddingBytes + 4096, $"fetched {report.BytesFetched} of {size}");
        Assert.Equal(size - report.BytesFetched, report.BytesSaved);
        Assert.False(Directory.Exists(target + ".incomplete"));

        var fromWhole = TorchCheckpointReader.Read(whole, OriginalLayout.IsNeeded);
        var fromSubset = TorchCheckpointReader.Read(target, OriginalLayout.IsNeeded);
        Assert.Equal(fromWhole.Keys.Order(), fromSubset.Keys.Order());
        Assert.True(fromWhole.Count > 100);
        foreach (var (key, t) in fromWhole)
        {
            Assert.Equal(t.Shape, fromSubset[key].Shape);
            Assert.Equal(t.Data, fromSubset[key].Data);
        }
        Assert.True(new FileInfo(target).Length < size - PaddingEntries * (long)PaddingBytes);
        await AssertAligned(target);
    }

    [Fact]
    public async Task Zip64Records_AreWhatTheDirectoryIsReadFrom()
    {
        var bytes = BigCheckpoint(zip64: true);
        // §4.3.15: the locator sits just before the 22-byte end record, whose 32-bit fields hold the sentinels.
        Assert.Equal(0x07064b50u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 22 - 20)));
        Assert.Equal(uint.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 22 + 16)));
        using var dir = new TestPaths.TempDir();
        File.WriteAllBytes(dir.File("z.pth"), bytes);
        var zip = await ZipDirectory.ReadAsync(new FileRangeSource(dir.File("z.pth")));
        Assert.Equal(503 + PaddingEntries, zip.Entries.Count);
        Assert.True(zip.DirectoryBytesRead < bytes.Length / 50);
    }

    [Fact]
    public async Task ACorruptStorage_IsRefusedByItsCrc()
    {
        using var dir = new TestPaths.TempDir();
        var bytes = BigCheckpoint();
        var path = dir.File("whole.pth");
        File.WriteAllBytes(path, bytes);
        var zip = await ZipDirectory.ReadAsync(new FileRangeSource(path));
        var pickle = zip.Entries.Single(e => e.Name.EndsWith("/data.pkl"));
        var key = CheckpointSubset.NeededStorages(path, await zip.ReadEntryAsync(pickle), OriginalLayout.IsNeeded)[0];
        var entry = zip.Find($"{pickle.Name.Split('/')[0]}/data/{key}")!;
        bytes[entry.SpanEnd - 1] ^= 0x40; // the entry's last data byte
        File.WriteAllBytes(path, bytes);

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => CheckpointSubset.FetchAsync(new FileRangeSource(path), dir.File("s.pth"), OriginalLayout.IsNeeded));
        Assert.Contains(path, e.Message);
        Assert.Contains($"entry {entry.Name} has CRC-32", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(dir.File("s.pth")));
    }

    [Fact]
    public async Task AnInconsistentDirectory_IsRefusedInOneLine()
    {
        using var dir = new TestPaths.TempDir();
        var bytes = BigCheckpoint();
        // §4.3.16: the directory offset (at 16 in the end record) pointed past the directory.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 22 + 16), (uint)(bytes.Length - 10));
        File.WriteAllBytes(dir.File("bad.pth"), bytes);
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => ZipDirectory.ReadAsync(new FileRangeSource(dir.File("bad.pth"))));
        Assert.StartsWith(dir.File("bad.pth") + ": corrupt zip: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task AnInterruptedFetch_ResumesWithOnlyTheMissingEntries()
    {
        using var dir = new TestPaths.TempDir();
        var whole = dir.File("whole.pth");
        File.WriteAllBytes(whole, BigCheckpoint());
        var target = dir.File("subset.pth");
        var (complete, _) = await FetchFile(whole, dir.File("reference.pth"));

        // 16 kB runs: about a hundred requests for the storages; the 40th fails.
        var flaky = new FailingSource(new FileRangeSource(whole), readsBeforeFailure: 40);
        await Assert.ThrowsAsync<HubConnectionException>(() => CheckpointSubset.FetchAsync(flaky, target, OriginalLayout.IsNeeded, maxRunBytes: 16 << 10));
        Assert.False(File.Exists(target));
        int kept = Directory.GetFiles(target + ".incomplete").Length;
        Assert.InRange(kept, 30, complete.EntriesFetched - 30);

        var again = await CheckpointSubset.FetchAsync(new FileRangeSource(whole), target, OriginalLayout.IsNeeded);
        Assert.Equal(kept, again.EntriesReused);
        Assert.Equal(complete.EntriesFetched, again.EntriesFetched + again.EntriesReused);
        Assert.True(again.BytesFetched < complete.BytesFetched, $"{again.BytesFetched} vs {complete.BytesFetched}");
        Assert.Equal(File.ReadAllBytes(dir.File("reference.pth")), File.ReadAllBytes(target));
    }

    [Fact]
    public void The48kAlias_FetchesTheSubsetOverHttp_ThenServesItOffline()
    {
        using var dir = new TestPaths.TempDir();
        var bytes = BigCheckpoint();
        using var server = new FakeHubServer(new Dictionary<string, byte[]> { [File48k] = bytes }) { RepoId = Repo48k };
        var settings = new HubSettings { Endpoint = server.Endpoint, CacheDir = dir.Path, MaxResumes = 0 };

        var location = ModelResolver.Resolve("audioldm-48k", ModelParts.All, settings);

        var report = Assert.IsType<SubsetFetchReport>(location.Subset);
        Assert.Equal((Repo48k, FakeHubServer.Commit), (location.Id, location.Revision));
        Assert.Equal(bytes.Length, report.FileSize);
        Assert.Equal(server.CdnBytesSent, report.BytesFetched);
        Assert.True(report.BytesFetched < bytes.Length - PaddingEntries * (long)PaddingBytes + 4096);
        Assert.Matches(@"fetched \d+\.\d MB of \d+\.\d MB, saved \d+\.\d MB", report.Summary);
        output.WriteLine($"{report.Summary}: {report.BytesFetched} of {report.FileSize} bytes, {report.EntriesFetched} entries, {server.Requests.Count(r => r.ToCdn)} range requests");
        var subset = Path.Combine(dir.Path, "models--haoheliu--audioldm_48k", "subsets", FakeHubServer.Commit, "audioldm_48k.first_stage_model.pth");
        Assert.True(File.Exists(subset));
        Assert.All(server.Requests.Where(r => r.ToCdn), r => Assert.Matches(@"^bytes=\d+-\d+$", r.Headers["Range"]));
        // Back-to-back storages come in one request: tail, directory, the small entries, then few runs.
        Assert.InRange(server.Requests.Count(r => r.ToCdn), 4, 12);

        server.Requests.Clear();
        var offline = ModelResolver.Resolve("audioldm-48k", ModelParts.All, settings with { Offline = true });
        Assert.Empty(server.Requests);
        Assert.Equal(location.RootFolder, offline.RootFolder);
        Assert.Null(offline.Subset);
        using var model = LatentAudio.Models.AudioLdm.AudioLdmModel.Open("audioldm-48k", offline, ModelParts.Vae);
        Assert.Equal((48000, Repo48k, FakeHubServer.Commit), (model.SampleRate, model.Identity.Id, model.Identity.Revision));
        // The identity is the whole file's sha256, as when the whole file was downloaded: latents stay compatible.
        Assert.Equal(FakeHubServer.Sha256(bytes), model.Identity.Sha256Hex);
    }

    [Fact]
    public void DownloadModel_Offline_PrintsTheCachedSubsetFolder_OrOneLineWithoutIt()
    {
        using var dir = new TestPaths.TempDir();
        var (missingCode, _, missing) = Cli.Run("download-model", "audioldm-48k", "--offline", "--cache-dir", dir.Path);
        Assert.Equal(1, missingCode);
        var line = Assert.Single(missing.Trim().Split('\n'));
        Assert.Contains("neither audioldm_48k.pth of haoheliu/audioldm_48k nor its VAE and vocoder subset is in the cache", line);

        using var server = new FakeHubServer(new Dictionary<string, byte[]> { [File48k] = BigCheckpoint() }) { RepoId = Repo48k };
        var fetched = ModelResolver.Resolve("audioldm-48k", ModelParts.All, new HubSettings { Endpoint = server.Endpoint, CacheDir = dir.Path });
        var (code, output, err) = Cli.Run("download-model", "audioldm-48k", "--offline", "--cache-dir", dir.Path);
        Assert.Equal(0, code);
        Assert.Equal(fetched.RootFolder, output.Trim());
        Assert.Contains($"haoheliu/audioldm_48k at commit {FakeHubServer.Commit}", err);
    }

    [Fact]
    public void ABrokenRangeRead_IsResumedByTheNextRun()
    {
        using var dir = new TestPaths.TempDir();
        var bytes = BigCheckpoint();
        using var server = new FakeHubServer(new Dictionary<string, byte[]> { [File48k] = bytes }) { RepoId = Repo48k, RangedAnswersBeforeDrop = 40 };
        var settings = new HubSettings { Endpoint = server.Endpoint, CacheDir = dir.Path, MaxResumes = 0, RangeRunBytes = 16 << 10 };

        var e = Assert.Throws<HubConnectionException>(() => ModelResolver.Resolve("audioldm-48k", ModelParts.All, settings));
        Assert.True(e.Resumable);
        long firstRun = server.CdnBytesSent;

        var location = ModelResolver.Resolve("audioldm-48k", ModelParts.All, settings);
        var report = location.Subset!;
        output.WriteLine($"first run {firstRun} bytes; second run {report.Summary}: {report.BytesFetched} bytes, {report.EntriesFetched} fetched, {report.EntriesReused} reused");
        Assert.True(report.EntriesReused > 30 && report.EntriesFetched > 30, $"{report.EntriesReused} reused, {report.EntriesFetched} fetched");
        // Both runs together fetch about what one run needs: each entry once (plus the directory and pickle twice).
        Assert.True(firstRun + report.BytesFetched < bytes.Length - PaddingEntries * (long)PaddingBytes + 200_000,
            $"{firstRun} + {report.BytesFetched}");
    }

    [Fact]
    public void AServerThatIgnoresRange_GetsTheWholeFileDownloaded()
    {
        using var dir = new TestPaths.TempDir();
        var bytes = BigCheckpoint();
        using var server = new FakeHubServer(new Dictionary<string, byte[]> { [File48k] = bytes }) { RepoId = Repo48k, IgnoreRange = true };
        var settings = new HubSettings { Endpoint = server.Endpoint, CacheDir = dir.Path };

        var location = ModelResolver.Resolve("audioldm-48k", ModelParts.All, settings);

        Assert.Null(location.Subset);
        Assert.Contains("ignores Range", location.WholeFileReason);
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(location.RootFolder, File48k)));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "models--haoheliu--audioldm_48k", "subsets", FakeHubServer.Commit, "audioldm_48k.first_stage_model.pth.incomplete"))
            && Directory.GetFiles(Path.Combine(dir.Path, "models--haoheliu--audioldm_48k", "subsets", FakeHubServer.Commit, "audioldm_48k.first_stage_model.pth.incomplete")).Length > 0);
    }

    // Each entry's data starts on a 64-byte boundary, as torch writes it (inline_container.h kFieldAlignment).
    private static async Task AssertAligned(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var zip = await ZipDirectory.ReadAsync(new FileRangeSource(path));
        Assert.All(zip.Entries, e =>
        {
            int at = (int)e.LocalHeaderOffset;
            long data = at + 30 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 26)) + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at + 28));
            Assert.Equal(0, data % TorchZipWriter.Alignment);
        });
    }

    /// <summary>Reads through <paramref name="inner"/>, then fails like a dropped connection.</summary>
    private sealed class FailingSource(IByteRangeSource inner, int readsBeforeFailure) : IByteRangeSource
    {
        private int _reads;
        public string Name => inner.Name;
        public long Length => inner.Length;
        public long BytesRead => inner.BytesRead;
        public Task<byte[]> ReadAsync(long offset, int count, CancellationToken ct) =>
            ++_reads > readsBeforeFailure ? throw new HubConnectionException("connection dropped", resumable: true) : inner.ReadAsync(offset, count, ct);
    }
}
