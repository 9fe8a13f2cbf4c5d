using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LatentAudio.IO;

namespace LatentAudio.Models.Safetensors;

/// <summary>Writes float32 .safetensors files (random full-size weights for the benchmark; test fixtures).</summary>
public static class SafetensorsWriter
{
    public static void Write(string path, IEnumerable<(string Name, int[] Shape, float[] Values)> tensors, bool overwrite = true) =>
        AtomicFile.Write(path, overwrite, s => Write(s, tensors.ToList()));

    private static void Write(Stream stream, List<(string Name, int[] Shape, float[] Values)> tensors)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, shape, values) in tensors)
        {
            long bytes = values.LongLength * 4;
            header[name] = new Dictionary<string, object> { ["dtype"] = "F32", ["shape"] = shape, ["data_offsets"] = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padded = (json.Length + 7) / 8 * 8;
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
        stream.Write(len);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var (_, _, values) in tensors)
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
