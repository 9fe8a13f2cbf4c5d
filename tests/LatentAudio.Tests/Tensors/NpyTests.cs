using LatentAudio.Tensors;

namespace LatentAudio.Tests.Tensors;

public class NpyTests
{
    [Fact]
    public void RoundTrips()
    {
        using var dir = new TestPaths.TempDir();
        var t = new Tensor(Enumerable.Range(0, 24).Select(i => i * 0.5f).ToArray(), 2, 3, 4);
        NpyFile.Write(dir.File("a.npy"), t);
        var back = NpyFile.Read(dir.File("a.npy"));
        Assert.Equal(t.Shape, back.Shape);
        Assert.Equal(t.Data, back.Data);
        var bytes = File.ReadAllBytes(dir.File("a.npy"));
        Assert.Equal(0, (bytes.Length - 24 * 4) % 64); // header aligned to 64 bytes
    }
}
