using System.IO.Compression;
using System.Text;

namespace LatentAudio.Tests.Hub;

/// <summary>
/// Writes pickle opcodes by hand (CPython Lib/pickletools.py) and packs them the way torch.save does
/// (torch/serialization.py: archive/data.pkl, archive/data/{key}, archive/byteorder, archive/version), so tests
/// need no torch.
/// </summary>
public sealed class PickleWriter
{
    private readonly MemoryStream _s = new();
    public byte[] Bytes => _s.ToArray();

    public PickleWriter Op(char op) { _s.WriteByte((byte)op); return this; }
    public PickleWriter Op(byte op) { _s.WriteByte(op); return this; }
    public PickleWriter Proto(int v) => Op(0x80).Byte(v);
    public PickleWriter Global(string module, string name) { Op('c'); Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n")); return this; }
    public PickleWriter Str(string s)
    {
        var b = Encoding.UTF8.GetBytes(s);
        Op('X'); Raw(BitConverter.GetBytes(b.Length)); Raw(b); return this;
    }
    public PickleWriter Int(long v)
    {
        if (v is >= 0 and < 256) return Op('K').Byte((int)v);
        if (v is >= 0 and < 65536) { Op('M'); Raw(BitConverter.GetBytes((ushort)v)); return this; }
        Op('J'); Raw(BitConverter.GetBytes((int)v)); return this;
    }
    public PickleWriter Tuple(params long[] values)
    {
        Op('(');
        foreach (var v in values) Int(v);
        return Op('t');
    }
    public PickleWriter Put(int memo) => Op('q').Byte(memo);
    public PickleWriter Get(int memo) => Op('h').Byte(memo);
    public PickleWriter Byte(int b) { _s.WriteByte((byte)b); return this; }
    public PickleWriter Raw(byte[] b) { _s.Write(b); return this; }

    /// <summary>collections.OrderedDict() — what torch writes for the empty backward_hooks and for the dict itself.</summary>
    public PickleWriter EmptyOrderedDict() => Global("collections", "OrderedDict").Op(')').Op('R');

    /// <summary>_rebuild_tensor_v2(storage('storage', torch.{type}, key, 'cpu', numel), offset, size, stride, False, OrderedDict()).</summary>
    public PickleWriter Tensor(string storageType, string key, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2");
        Op('(');
        Op('(').Str("storage").Global("torch", storageType).Str(key).Str("cpu").Int(numel).Op('t').Op('Q'); // BINPERSID
        Int(offset).Tuple(size).Tuple(stride).Op(0x89).EmptyOrderedDict();
        Op('t');
        return Op('R');
    }
}

public static class TorchZipBuilder
{
    public static void Write(string path, byte[] pickle, IDictionary<string, byte[]> storages, string root = "archive")
    {
        using var zip = new ZipArchive(File.Create(path), ZipArchiveMode.Create);
        void Add(string name, byte[] data)
        {
            using var s = zip.CreateEntry($"{root}/{name}", CompressionLevel.NoCompression).Open();
            s.Write(data);
        }
        Add("data.pkl", pickle);
        Add("byteorder", Encoding.ASCII.GetBytes("little"));
        foreach (var (key, data) in storages) Add($"data/{key}", data);
        Add("version", Encoding.ASCII.GetBytes("3\n"));
    }

    public static byte[] Floats(params float[] v) { var b = new byte[v.Length * 4]; Buffer.BlockCopy(v, 0, b, 0, b.Length); return b; }

    public static byte[] Halves(params float[] v)
    {
        var b = new byte[v.Length * 2];
        for (int i = 0; i < v.Length; i++) BitConverter.TryWriteBytes(b.AsSpan(2 * i), (Half)v[i]);
        return b;
    }

    public static byte[] BFloat16s(params float[] v)
    {
        var b = new byte[v.Length * 2];
        for (int i = 0; i < v.Length; i++) BitConverter.TryWriteBytes(b.AsSpan(2 * i), (ushort)(BitConverter.SingleToInt32Bits(v[i]) >>> 16));
        return b;
    }
}
