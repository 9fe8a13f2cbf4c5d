using System.Security.Cryptography;
using LatentAudio.Models.Onnx;

namespace LatentAudio.Tests.Models;

/// <summary>
/// The trust rules of the remembered weight digests (<see cref="FileDigests"/>): a digest is used only while the
/// file's identity (device, inode, size, mtime, ctime) is unchanged, is remembered only when the file's last change is
/// older than the settle time, and a corrupt record is ignored. The settle time is 0 here unless the rule under test
/// is the settle time itself (the files are seconds old at most).
/// </summary>
public sealed class FileDigestsTests
{
    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Bytes(int seed, int length = 4096)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    private sealed class Setup : IDisposable
    {
        private readonly TestPaths.TempDir _dir = new();
        public Setup(byte[] content)
        {
            System.IO.File.WriteAllBytes(Weights, content);
        }
        public string Weights => _dir.File("model.safetensors");
        public string Records => _dir.File("digests");
        public FileDigests Digests() => new(Records, TimeSpan.Zero);
        public string File(string name) => _dir.File(name);
        public void Dispose() => _dir.Dispose();
    }

    [Fact]
    public void TheIdentityIsTheFileSystemsView()
    {
        using var s = new Setup(Bytes(1));
        var id = FileIdentity.Of(s.Weights)!.Value;
        Assert.Equal(4096, id.Size);
        Assert.Equal(new FileInfo(s.Weights).LastWriteTimeUtc, DateTime.UnixEpoch.AddTicks(id.ModifiedNs / 100));
        Assert.NotEqual(0UL, id.Inode);
        Assert.Null(FileIdentity.Of(s.File("missing")));
    }

    [Fact]
    public void ARememberedDigestIsUsedWithoutReadingTheFile()
    {
        var content = Bytes(2);
        using var s = new Setup(content);
        var first = s.Digests();
        Assert.Equal(Sha(content), first.Sha256(s.Weights));
        Assert.Equal(1, first.Hashed);
        Assert.Single(Directory.GetFiles(s.Records));

        var second = s.Digests();
        Assert.Equal(Sha(content), second.Sha256(s.Weights));
        Assert.Equal(0, second.Hashed);
    }

    [Fact]
    public void WeightsRewrittenInPlaceWithTheSameSizeAndMtimeAreHashedAgain()
    {
        using var s = new Setup(Bytes(3));
        s.Digests().Sha256(s.Weights);
        var mtime = File.GetLastWriteTimeUtc(s.Weights);
        var inode = FileIdentity.Of(s.Weights)!.Value.Inode;
        var other = Bytes(4);
        File.WriteAllBytes(s.Weights, other);            // same inode, same size
        File.SetLastWriteTimeUtc(s.Weights, mtime);      // and the old mtime: only the ctime tells
        Assert.Equal(inode, FileIdentity.Of(s.Weights)!.Value.Inode);

        var again = s.Digests();
        Assert.Equal(Sha(other), again.Sha256(s.Weights));
        Assert.Equal(1, again.Hashed);
    }

    [Fact]
    public void WeightsReplacedByRenameAreHashedAgain()
    {
        using var s = new Setup(Bytes(5));
        s.Digests().Sha256(s.Weights);
        var mtime = File.GetLastWriteTimeUtc(s.Weights);
        var other = Bytes(6);
        var staged = s.Weights + ".new";
        File.WriteAllBytes(staged, other);
        File.SetLastWriteTimeUtc(staged, mtime);
        File.Move(staged, s.Weights, overwrite: true);   // a new inode under the old name (how downloads finish)

        var again = s.Digests();
        Assert.Equal(Sha(other), again.Sha256(s.Weights));
        Assert.Equal(1, again.Hashed);
    }

    [Fact]
    public void ATouchedFileIsHashedAgainAndKeepsItsDigest()
    {
        var content = Bytes(7);
        using var s = new Setup(content);
        s.Digests().Sha256(s.Weights);
        File.SetLastWriteTimeUtc(s.Weights, DateTime.UtcNow.AddMinutes(-5));

        var again = s.Digests();
        Assert.Equal(Sha(content), again.Sha256(s.Weights));
        Assert.Equal(1, again.Hashed);
        var third = s.Digests();                           // the new identity is remembered in turn
        Assert.Equal(Sha(content), third.Sha256(s.Weights));
        Assert.Equal(0, third.Hashed);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("empty")]
    public void ACorruptRecordIsNotBelieved(string damage)
    {
        var content = Bytes(8);
        using var s = new Setup(content);
        s.Digests().Sha256(s.Weights);
        var record = Assert.Single(Directory.GetFiles(s.Records));
        var text = File.ReadAllText(record);
        // "flip" changes one hex digit of the remembered digest (the record's own checksum then disagrees).
        int at = text.LastIndexOf('\t') - 1;
        File.WriteAllText(record, damage switch
        {
            "flip" => text[..at] + (text[at] == '0' ? '1' : '0') + text[(at + 1)..],
            "truncate" => text[..(text.Length / 2)],
            _ => "",
        });

        var again = s.Digests();
        Assert.Equal(Sha(content), again.Sha256(s.Weights));
        Assert.Equal(1, again.Hashed);
    }

    [Fact]
    public void ARecordOfAnotherPathIsNotBelieved()
    {
        var content = Bytes(9);
        using var s = new Setup(content);
        s.Digests().Sha256(s.Weights);
        var record = Assert.Single(Directory.GetFiles(s.Records));
        var copy = s.Weights + ".copy";
        File.Copy(s.Weights, copy);
        File.WriteAllBytes(copy, Bytes(10));
        // The copy's record slot, filled with the original's record (which names the original's path).
        s.Digests().Sha256(copy);
        var copyRecord = Assert.Single(Directory.GetFiles(s.Records), r => r != record);
        File.Copy(record, copyRecord, overwrite: true);

        var again = s.Digests();
        Assert.Equal(Sha(Bytes(10)), again.Sha256(copy));
        Assert.Equal(1, again.Hashed);
    }

    [Fact]
    public void AFileChangedWithinTheSettleTimeIsNotRemembered()
    {
        var content = Bytes(11);
        using var s = new Setup(content);
        var digests = new FileDigests(s.Records);        // the default settle time: the file is younger than that
        Assert.Equal(Sha(content), digests.Sha256(s.Weights));
        Assert.Equal(Sha(content), digests.Sha256(s.Weights));
        Assert.Equal(2, digests.Hashed);
        Assert.False(Directory.Exists(s.Records) && Directory.EnumerateFiles(s.Records).Any());
    }

    [Fact]
    public void WithoutAFolderEveryCallHashes()
    {
        var content = Bytes(12);
        using var s = new Setup(content);
        var digests = new FileDigests(null, TimeSpan.Zero);
        digests.Sha256(s.Weights);
        Assert.Equal(Sha(content), digests.Sha256(s.Weights));
        Assert.Equal(2, digests.Hashed);
    }
}
