using System.Text.Json;
using LatentAudio.Models.Pickle;

namespace LatentAudio.Tests.Hub;

public class TorchCheckpointReaderTests
{
    [Fact]
    public void PythonPickledStateDict_ReadsEveryTensor()
    {
        // Made by Fixtures/hub/make_torch_fixture.py with Python's pickler, laid out as torch.save does.
        var tensors = TorchCheckpointReader.Read(TestPaths.Fixtures("hub", "tiny_state_dict.bin"));
        using var expected = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixtures("hub", "tiny_state_dict.json")));
        Assert.Equal(3, tensors.Count);
        foreach (var entry in expected.RootElement.EnumerateObject())
        {
            var t = tensors[entry.Name];
            Assert.Equal(entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()), t.Shape);
            Assert.Equal(entry.Value.GetProperty("values").EnumerateArray().Select(e => e.GetSingle()), t.Data);
        }
    }

    [Fact]
    public void HandWrittenCheckpoint_ConvertsHalfAndBFloat16_AndHonoursOffsets()
    {
        using var dir = new TestPaths.TempDir();
        var p = new PickleWriter().Proto(2).EmptyOrderedDict().Put(0).Op('(');
        p.Str("a.weight").Tensor("FloatStorage", "0", 6, 0, [2, 3], [3, 1]);
        p.Str("a.bias").Tensor("HalfStorage", "1", 2, 0, [2], [1]);
        p.Str("b.weight").Tensor("BFloat16Storage", "2", 4, 1, [3], [1]);   // offset 1 into the storage
        p.Str("b.scalar").Tensor("FloatStorage", "0", 6, 5, [], []);         // a 0-d tensor sharing storage 0
        p.Op('u');
        // state_dict()'s _metadata, set through BUILD as pickle does for OrderedDict attributes
        p.Op('}').Str("_metadata").EmptyOrderedDict().Op('s').Op('b').Op('.');
        var path = dir.File("pytorch_model.bin");
        TorchZipBuilder.Write(path, p.Bytes, new Dictionary<string, byte[]>
        {
            ["0"] = TorchZipBuilder.Floats(1, 2, 3, 4, 5, 6),
            ["1"] = TorchZipBuilder.Halves(0.25f, -3f),
            ["2"] = TorchZipBuilder.BFloat16s(9f, 1.5f, -0.125f, 256f),
        });
        var t = TorchCheckpointReader.Read(path);
        Assert.Equal([2, 3], t["a.weight"].Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], t["a.weight"].Data);
        Assert.Equal([0.25f, -3f], t["a.bias"].Data);
        Assert.Equal([1.5f, -0.125f, 256f], t["b.weight"].Data);
        Assert.Empty(t["b.scalar"].Shape);
        Assert.Equal([6f], t["b.scalar"].Data);
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("subprocess", "Popen")]
    [InlineData("torch", "load")]
    public void ForeignGlobal_IsRefusedByName(string module, string name)
    {
        using var dir = new TestPaths.TempDir();
        // The classic payload: os.system('touch PWNED'), via GLOBAL + REDUCE.
        var marker = dir.File("PWNED");
        var p = new PickleWriter().Proto(2).Global(module, name).Str($"touch {marker}").Op(0x85).Op('R').Op('.');
        var path = dir.File("evil.bin");
        TorchZipBuilder.Write(path, p.Bytes, new Dictionary<string, byte[]>());
        var e = Assert.Throws<InvalidInputException>(() => TorchCheckpointReader.Read(path));
        Assert.Contains($"'{module}.{name}'", e.Message);
        Assert.StartsWith(path, e.Message);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public void StackGlobal_OfProtocol4_IsRefusedToo()
    {
        using var dir = new TestPaths.TempDir();
        var p = new PickleWriter().Proto(4).Str("builtins").Str("exec").Op(0x93).Str("print(1)").Op(0x85).Op('R').Op('.');
        var path = dir.File("evil4.bin");
        TorchZipBuilder.Write(path, p.Bytes, new Dictionary<string, byte[]>());
        Assert.Contains("'builtins.exec'", Assert.Throws<InvalidInputException>(() => TorchCheckpointReader.Read(path)).Message);
    }

    [Fact]
    public void ClassInstantiatingOpcodes_AreRefused()
    {
        using var dir = new TestPaths.TempDir();
        var p = new PickleWriter().Proto(2).Global("collections", "OrderedDict").Op(')').Op(0x81).Op('.'); // NEWOBJ
        var path = dir.File("newobj.bin");
        TorchZipBuilder.Write(path, p.Bytes, new Dictionary<string, byte[]>());
        Assert.Contains("NEWOBJ", Assert.Throws<InvalidInputException>(() => TorchCheckpointReader.Read(path)).Message);
    }

    [Fact]
    public void TensorPastTheEndOfItsStorage_IsAnError()
    {
        using var dir = new TestPaths.TempDir();
        var p = new PickleWriter().Proto(2).EmptyOrderedDict().Str("w").Tensor("FloatStorage", "0", 4, 2, [4], [1]).Op('s').Op('.');
        var path = dir.File("short.bin");
        TorchZipBuilder.Write(path, p.Bytes, new Dictionary<string, byte[]> { ["0"] = TorchZipBuilder.Floats(1, 2, 3, 4) });
        Assert.Contains("tensor 'w' reaches element 5", Assert.Throws<InvalidInputException>(() => TorchCheckpointReader.Read(path)).Message);
    }

    [Fact]
    public void MalformedFiles_GiveOneLineErrors_NeverACrash()
    {
        using var dir = new TestPaths.TempDir();
        var good = new PickleWriter().Proto(2).EmptyOrderedDict().Str("w").Tensor("FloatStorage", "0", 2, 0, [2], [1]).Op('s').Op('.').Bytes;
        var storages = new Dictionary<string, byte[]> { ["0"] = TorchZipBuilder.Floats(1, 2) };
        var rng = new Random(3);
        var cases = new List<(string Name, Action<string> Make)>
        {
            ("empty", f => File.WriteAllBytes(f, [])),
            ("text", f => File.WriteAllText(f, "not a checkpoint")),
            ("legacy", f => File.WriteAllBytes(f, [0x80, 0x02, 0x8a, 0x0a])),
            ("zip-garbage", f => { var b = new byte[300]; rng.NextBytes(b); b[0] = (byte)'P'; b[1] = (byte)'K'; File.WriteAllBytes(f, b); }),
            ("no-pickle", f => TorchZipBuilder.Write(f, good, storages, root: "a/b")),
            ("missing-storage", f => TorchZipBuilder.Write(f, good, new Dictionary<string, byte[]>())),
        };
        for (int cut = 1; cut < good.Length; cut += 3) // every truncation of the pickle
        {
            var prefix = good[..cut];
            cases.Add(($"cut{cut}", f => TorchZipBuilder.Write(f, prefix, storages)));
        }
        for (int i = 0; i < 40; i++) // random byte flips in the pickle
        {
            var bad = (byte[])good.Clone();
            bad[rng.Next(bad.Length)] = (byte)rng.Next(256);
            cases.Add(($"flip{i}", f => TorchZipBuilder.Write(f, bad, storages)));
        }
        foreach (var (name, make) in cases)
        {
            var path = dir.File(name + ".bin");
            make(path);
            try { TorchCheckpointReader.Read(path); }
            catch (InvalidInputException e) { Assert.DoesNotContain('\n', e.Message); }
        }
    }
}
