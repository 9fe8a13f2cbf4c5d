using LatentAudio.Models.Pickle;

namespace LatentAudio.Tests.Hub;

/// <summary>torch's legacy (non-zip) format, written by reference/panns/make_golden.py with torch 1.13
/// (<c>_use_new_zipfile_serialization=False</c>).</summary>
public sealed class LegacyTorchCheckpointTests
{
    private static string Fixture(string name) => TestPaths.Fixtures("panns", name);

    [Fact]
    public void ReadsTheModelDict_SteppingOverOtherStorages()
    {
        // {"optimizer": {"state": float64[5], "step": int64[2]}, "model": {"w": [1.5, -2, 3.25], "n": int64 7}, "iteration": 3}
        // Its storages are stored in the order w, optimizer.step, optimizer.state, n: two are stepped over between the two read.
        var t = TorchCheckpointReader.Read(Fixture("legacy_extra_storages.pth"));
        Assert.Equal(["n", "w"], t.Keys.Order());
        Assert.Equal([1.5f, -2f, 3.25f], t["w"].Data);
        Assert.Equal([3], t["w"].Shape);
        Assert.Equal([7f], t["n"].Data);
    }

    [Fact]
    public void TrainingCheckpointWithNumpy_ReadsWithEitherPolicy()
    {
        // The default policy reads the numpy arrays beside the weights as data (torchvggish's PCA file needs that);
        // the placeholder policy steps over them. Both give the same tensors.
        var path = Fixture("tiny_cnn14_16k.pth");
        var plain = TorchCheckpointReader.Read(path);
        var t = TorchCheckpointReader.Read(path, new NumpyPlaceholderPolicy(new TorchPicklePolicy()));
        Assert.Equal(t.Keys.Order(), plain.Keys.Order());
        Assert.Equal(t["conv_block1.conv1.weight"].Data, plain["conv_block1.conv1.weight"].Data);
        Assert.Equal([4, 1, 3, 3], t["conv_block1.conv1.weight"].Shape);
        Assert.Equal(12345f, t["bn0.num_batches_tracked"].Data[0]);
    }

    [Fact]
    public void ZipTrainingCheckpointWithNumpy_ReadsWithTheNumpyPolicy()
    {
        // The published weights may be in either format: the same {'iteration', 'model', 'sampler'} saved as a zip.
        var path = Fixture("zip_training_checkpoint.pth");
        var plain = TorchCheckpointReader.Read(path);
        Assert.Equal([0.25f, -1f], plain["w"].Data);
        var t = TorchCheckpointReader.Read(path, new NumpyPlaceholderPolicy(new TorchPicklePolicy()));
        Assert.Equal([0.25f, -1f], t["w"].Data);
        Assert.Equal([4f], t["n"].Data);
    }

    [Fact]
    public void DamagedFiles_GiveOneLineErrors_NeverACrash()
    {
        var good = File.ReadAllBytes(Fixture("tiny_cnn14_16k.pth"));
        using var dir = new TestPaths.TempDir();
        var rng = new Random(5);
        var cases = new List<byte[]>();
        foreach (int cut in new[] { 1, 2, 14, 15, 20, 60, 200, 1000, 3000, good.Length / 2, good.Length - 1 })
            cases.Add(good[..cut]);
        for (int i = 0; i < 30; i++) // byte flips in the pickles (the first few KB)
        {
            var bad = (byte[])good.Clone();
            bad[rng.Next(Math.Min(bad.Length, 8000))] = (byte)rng.Next(256);
            cases.Add(bad);
        }
        var policy = new NumpyPlaceholderPolicy(new TorchPicklePolicy());
        int failures = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            var path = dir.File($"case{i}.pth");
            File.WriteAllBytes(path, cases[i]);
            try { TorchCheckpointReader.Read(path, policy); }
            catch (InvalidInputException e)
            {
                Assert.DoesNotContain('\n', e.Message);
                failures++;
            }
        }
        Assert.True(failures >= 11, $"only {failures} of {cases.Count} damaged files were refused"); // every truncation
    }
}
