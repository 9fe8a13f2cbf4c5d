using System.Buffers.Binary;
using System.IO.Compression;
using LatentAudio.Codec.Bitstream;
using LatentAudio.Audio;
using LatentAudio.Codec.Container;
using LatentAudio.Models.Config;
using LatentAudio.Models.Pickle;
using LatentAudio.Models.Safetensors;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Reliability;

/// <summary>One parser fed with untrusted bytes. <see cref="Run"/> parses and consumes everything the parser yields.</summary>
public sealed record ParserTarget(string Name, Action<byte[]> Run);

/// <summary>
/// The fuzz targets, one per parser a stranger's file reaches (issue 8). Shared by the AFL++ harness in fuzz/ and the
/// CI replay tests. Parsers that only take a path get the bytes through a scratch file owned by this instance.
/// </summary>
public sealed class ParserTargets : IDisposable
{
    private readonly string _scratchDir;

    public ParserTargets(string? scratchDir = null)
    {
        _scratchDir = scratchDir ?? Path.Combine(Path.GetTempPath(), "latentaudio-fuzz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_scratchDir);
        All =
        [
            new("wav", Audio),
            new("flac", Audio),
            new("mp3", Audio),
            new("ogg", Audio),
            new("npy", b => NpyFile.Read(new MemoryStream(b, writable: false), "fuzz.npy")),
            new("safetensors", Safetensors),
            new("vae-config", b => ExpectedTensors.ForVae(VaeConfig.Load(Scratch("config.json", b)))),
            new("vocoder-config", b => ExpectedTensors.ForVocoder(VocoderConfig.Load(Scratch("config.json", b)))),
            new("torch-checkpoint", b => TorchCheckpointReader.Read(Scratch("model.bin", b))),
            new("pickle", b => TorchCheckpointReader.Read(Scratch("model.bin", WrapPickle(b)))),
            new("codec", Codec),
        ];
    }

    public IReadOnlyList<ParserTarget> All { get; }

    public ParserTarget this[string name] =>
        All.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"unknown fuzz target '{name}' (known: {string.Join(", ", All.Select(t => t.Name))})");

    /// <summary>The CLI's front door (content sniffing → WAV/FLAC/MP3/Ogg Vorbis decoder), decoded to the end in fixed chunks.</summary>
    private static void Audio(byte[] bytes)
    {
        using var reader = AudioFile.OpenReader(new MemoryStream(bytes, writable: false), "fuzz.audio");
        int ch = Math.Max(1, reader.Format.Channels);
        var chunk = new float[Math.Clamp((1 << 18) / ch, 1, 1024) * ch];
        while (reader.Read(chunk) > 0) { }
        // and the CLI's whole-file path, which sizes its buffers from the header
        using var again = AudioFile.OpenReader(new MemoryStream(bytes, writable: false), "fuzz.audio");
        AudioFile.ReadAll(again, "fuzz.audio");
    }

    private void Safetensors(byte[] bytes)
    {
        using var file = SafetensorsFile.Open(Scratch("model.safetensors", bytes));
        foreach (var name in file.Entries.Keys) file.ReadFloats(name);
    }

    /// <summary>
    /// The reader on the bytes as given, then on the same bytes with every CRC32 the framing allows recomputed:
    /// without that, nearly every mutation stops at a checksum and the header and chunk parsers stay unexplored.
    /// </summary>
    private static void Codec(byte[] bytes)
    {
        try { ReadLatent(bytes); }
        catch (InvalidInputException) { }
        ReadLatent(WithValidCrcs(bytes));
    }

    private static void ReadLatent(byte[] bytes)
    {
        var reader = LatentFileReader.Open(new MemoryStream(bytes, writable: false), "fuzz.lat");
        foreach (var _ in reader.ReadWindows()) { }
    }

    /// <summary>Rewrites the header CRC and each chunk's CRC (docs/format.md framing) as far as the lengths hold.</summary>
    public static byte[] WithValidCrcs(byte[] input)
    {
        var b = (byte[])input.Clone();
        int pre = LatentFileFormat.PreambleBytes;
        if (b.Length < pre + 4) return b;
        long headerEnd = pre + (long)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(10));
        if (headerEnd + 4 > b.Length) return b;
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan((int)headerEnd), Crc32.Compute(b.AsSpan(0, (int)headerEnd)));
        long at = headerEnd + 4;
        while (at + 5 + 4 <= b.Length)
        {
            long end = at + 5 + (long)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan((int)at + 1));
            if (end + 4 > b.Length) break;
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan((int)end), Crc32.Compute(b.AsSpan((int)at, (int)(end - at))));
            at = end + 4;
        }
        return b;
    }

    /// <summary>
    /// The pickle target's input is the bare <c>data.pkl</c>: mutating it inside a zip would mostly break the zip's
    /// CRC, so the harness packs it into a torch-layout zip with two small zero storages.
    /// </summary>
    public static byte[] WrapPickle(byte[] pickle)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "archive/data.pkl", pickle);
            Add(zip, "archive/byteorder", "little"u8.ToArray());
            Add(zip, "archive/data/0", new byte[256]);
            Add(zip, "archive/data/1", new byte[256]);
        }
        return ms.ToArray();

        static void Add(ZipArchive zip, string name, byte[] data)
        {
            using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            s.Write(data);
        }
    }

    private string Scratch(string name, byte[] bytes)
    {
        var path = Path.Combine(_scratchDir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(_scratchDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
