using System.Buffers.Binary;
using System.Text;
using LatentAudio.Models.Safetensors;

namespace LatentAudio.Tests.Models;

public sealed class SafetensorsTests
{
    private static byte[] File(string header, byte[] data, long? declaredLength = null)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(declaredLength ?? json.Length));
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static string Write(TestPaths.TempDir dir, byte[] bytes)
    {
        var path = dir.File("m.safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void ReadsF32F16Bf16AsFloat32()
    {
        using var dir = new TestPaths.TempDir();
        var data = new byte[8 + 4 + 4];
        BinaryPrimitives.WriteSingleLittleEndian(data, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -2f);
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(8), (Half)0.25f);
        BinaryPrimitives.WriteHalfLittleEndian(data.AsSpan(10), (Half)(-3f));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(12), (ushort)(BitConverter.SingleToInt32Bits(6.5f) >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(14), (ushort)(BitConverter.SingleToInt32Bits(-0.125f) >> 16));
        var path = Write(dir, File("""{"__metadata__":{"format":"pt"},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"a":{"dtype":"F32","shape":[1,2],"data_offsets":[0,8]},"c":{"dtype":"BF16","shape":[2],"data_offsets":[12,16]}}""", data));
        using var f = SafetensorsFile.Open(path);
        Assert.Equal([1.5f, -2f], f.ReadFloats("a"));
        Assert.Equal([0.25f, -3f], f.ReadFloats("b"));
        Assert.Equal([6.5f, -0.125f], f.ReadFloats("c"));
        Assert.Equal([1, 2], f["a"].Shape);
        Assert.Equal("pt", f.Metadata["format"]);
    }

    [Fact]
    public void WriterRoundTrips()
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File("w.safetensors");
        SafetensorsWriter.Write(path, [("x", [2, 2], [1f, 2f, 3f, 4f]), ("y", [1], [5f])]);
        using var f = SafetensorsFile.Open(path);
        Assert.Equal([1f, 2f, 3f, 4f], f.ReadFloats("x"));
        Assert.Equal([5f], f.ReadFloats("y"));
    }

    [Theory]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}""", 8, "not JSON")]
    [InlineData("""{"a":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}""", 8, "unknown dtype 'Q7'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "needs 12 bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", 8, "truncated")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "overlap")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, "bad shape")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "bad data_offsets")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2]}}""", 8, "data_offsets")]
    [InlineData("""[1,2]""", 8, "not a JSON object")]
    public void CorruptHeadersAreInvalidInput(string header, int dataBytes, string expected)
    {
        using var dir = new TestPaths.TempDir();
        var path = Write(dir, File(header, new byte[dataBytes]));
        var e = Assert.Throws<InvalidInputException>(() => SafetensorsFile.Open(path).Dispose());
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void HugeOrTruncatedHeaderLengthIsInvalidInput()
    {
        using var dir = new TestPaths.TempDir();
        var path = Write(dir, File("{}", [], declaredLength: 1L << 40));
        Assert.Contains("exceeds", Assert.Throws<InvalidInputException>(() => SafetensorsFile.Open(path)).Message);
        path = Write(dir, File("{}", [], declaredLength: 50));
        Assert.Contains("truncated", Assert.Throws<InvalidInputException>(() => SafetensorsFile.Open(path)).Message);
        System.IO.File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains("truncated", Assert.Throws<InvalidInputException>(() => SafetensorsFile.Open(path)).Message);
    }

    [Fact]
    public void IntegerTensorCannotBeReadAsFloat()
    {
        using var dir = new TestPaths.TempDir();
        var path = Write(dir, File("""{"i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", new byte[8]));
        using var f = SafetensorsFile.Open(path);
        Assert.Contains("I64", Assert.Throws<InvalidInputException>(() => f.ReadFloats("i")).Message);
    }

    [Fact]
    public void TruncatedGoldenCheckpointIsInvalidInput()
    {
        using var dir = new TestPaths.TempDir();
        var bytes = System.IO.File.ReadAllBytes(TestPaths.Fixtures("models", "vocoder", "normalize_false", "model", "model.safetensors"));
        var path = Write(dir, bytes[..(bytes.Length / 2)]);
        Assert.Contains("truncated", Assert.Throws<InvalidInputException>(() => SafetensorsFile.Open(path)).Message);
    }
}
