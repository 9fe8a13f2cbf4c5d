using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace LatentAudio.Models.Hub;

/// <summary>
/// One entry of a zip's central directory (APPNOTE.TXT 6.3.10 §4.3.12), with the ZIP64 values (§4.5.3) already
/// substituted. <see cref="SpanEnd"/> is where the next entry (or the central directory) starts: the entry's local
/// header, name, extra field and data all lie in [<see cref="LocalHeaderOffset"/>, <see cref="SpanEnd"/>).
/// </summary>
public sealed record ZipEntryRecord(string Name, ushort Method, ushort Flags, uint Crc32, long CompressedSize, long Size,
    long LocalHeaderOffset, long SpanEnd)
{
    public long SpanLength => SpanEnd - LocalHeaderOffset;
}

/// <summary>
/// The central directory of a zip read through an <see cref="IByteRangeSource"/>, touching only the file's tail and
/// the directory itself: end of central directory record, ZIP64 locator and ZIP64 end record when present (torch
/// writes them for files over 4 GB), then the directory. Entries are read one by one with
/// <see cref="ReadEntryAsync"/>, their CRC-32 checked. Any record that contradicts another is refused with one line
/// naming the file.
/// </summary>
public sealed class ZipDirectory
{
    // APPNOTE.TXT 6.3.10 signatures and fixed sizes.
    private const uint LocalHeaderSignature = 0x04034b50;        // §4.3.7
    private const uint CentralHeaderSignature = 0x02014b50;      // §4.3.12
    private const uint EndSignature = 0x06054b50;                // §4.3.16
    private const uint Zip64EndSignature = 0x06064b50;           // §4.3.14
    private const uint Zip64LocatorSignature = 0x07064b50;       // §4.3.15
    private const int LocalHeaderSize = 30;                      // §4.3.7
    private const int CentralHeaderSize = 46;                    // §4.3.12
    private const int EndSize = 22;                              // §4.3.16, without the comment
    private const int Zip64LocatorSize = 20;                     // §4.3.15
    private const int Zip64EndSize = 56;                         // §4.3.14, without the extensible data
    private const int MaxComment = ushort.MaxValue;              // §4.4.26: the comment length is 2 bytes
    private const ushort Zip64ExtraId = 0x0001;                  // §4.5.3
    private const ushort FlagDataDescriptor = 1 << 3;            // §4.4.4 bit 3: CRC and sizes follow the data
    private const ushort FlagEncrypted = 1 << 0;                 // §4.4.4 bit 0
    public const ushort MethodStored = 0, MethodDeflated = 8;    // §4.4.5

    private readonly IByteRangeSource _source;

    private ZipDirectory(IByteRangeSource source, IReadOnlyList<ZipEntryRecord> entries, long directoryOffset, long directoryBytesRead)
    {
        _source = source;
        Entries = entries;
        DirectoryOffset = directoryOffset;
        DirectoryBytesRead = directoryBytesRead;
    }

    public IReadOnlyList<ZipEntryRecord> Entries { get; }
    /// <summary>Where the central directory starts; every entry lies before it.</summary>
    public long DirectoryOffset { get; }
    /// <summary>Bytes read to learn the directory (the tail records and the directory).</summary>
    public long DirectoryBytesRead { get; }

    public ZipEntryRecord? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

    /// <summary>Reads the end records and the central directory of <paramref name="source"/>.</summary>
    public static async Task<ZipDirectory> ReadAsync(IByteRangeSource source, CancellationToken ct = default)
    {
        long length = source.Length, before = source.BytesRead;
        if (length < EndSize) throw Corrupt(source, $"is {length} bytes long, too short for a zip");
        // A file without comment (torch writes none) ends with the end record, preceded by the ZIP64 locator and end
        // record: one small read. Only when that fails, the largest possible comment is searched.
        int tailLength = (int)Math.Min(length, EndSize + Zip64LocatorSize + Zip64EndSize);
        var tail = await source.ReadAsync(length - tailLength, tailLength, ct);
        int end = FindEnd(tail);
        if (end < 0 && tailLength < length)
        {
            tailLength = (int)Math.Min(length, EndSize + MaxComment + Zip64LocatorSize + Zip64EndSize);
            tail = await source.ReadAsync(length - tailLength, tailLength, ct);
            end = FindEnd(tail);
        }
        if (end < 0) throw Corrupt(source, "has no end of central directory record: not a zip file, or cut short");
        long tailStart = length - tailLength, endOffset = tailStart + end;
        var e = tail.AsSpan(end);
        long count = U16(e, 10), dirSize = U32(e, 12), dirOffset = U32(e, 16);
        if (U16(e, 4) != 0 || U16(e, 6) != 0) throw Corrupt(source, "is a multi-disk zip, which is not supported");

        long recordsEnd = endOffset; // what precedes the end records must be the directory
        if (endOffset >= Zip64LocatorSize && end >= Zip64LocatorSize && U32(tail, end - Zip64LocatorSize) == Zip64LocatorSignature)
        {
            long zip64At = (long)U64(tail, end - Zip64LocatorSize + 8);
            if (zip64At < 0 || zip64At + Zip64EndSize > endOffset - Zip64LocatorSize)
                throw Corrupt(source, $"has a ZIP64 locator pointing at {zip64At}, outside the file's records");
            var z = zip64At >= tailStart ? tail.AsSpan((int)(zip64At - tailStart), Zip64EndSize).ToArray()
                : await source.ReadAsync(zip64At, Zip64EndSize, ct);
            if (U32(z, 0) != Zip64EndSignature) throw Corrupt(source, $"has no ZIP64 end record at {zip64At}, where its locator points");
            count = Checked((long)U64(z, 32), "entry count");
            dirSize = Checked((long)U64(z, 40), "directory size");
            dirOffset = Checked((long)U64(z, 48), "directory offset");
            recordsEnd = zip64At;
        }
        if (dirOffset + dirSize > recordsEnd)
            throw Corrupt(source, $"says its central directory spans {dirOffset}..{dirOffset + dirSize}, past the end records at {recordsEnd}");
        if (dirSize > int.MaxValue || count > dirSize / CentralHeaderSize + 1)
            throw Corrupt(source, $"claims {count} entries in a {dirSize}-byte directory");
        var dir = await source.ReadAsync(dirOffset, (int)dirSize, ct);
        var entries = ParseDirectory(source, dir, count, dirOffset);
        return new ZipDirectory(source, entries, dirOffset, source.BytesRead - before);

        long Checked(long v, string what) => v >= 0 ? v : throw Corrupt(source, $"has a negative ZIP64 {what}");
    }

    private static List<ZipEntryRecord> ParseDirectory(IByteRangeSource source, byte[] dir, long count, long dirOffset)
    {
        var raw = new List<(string Name, ushort Method, ushort Flags, uint Crc, long Comp, long Size, long Offset)>();
        int at = 0;
        for (long i = 0; i < count; i++)
        {
            if (at + CentralHeaderSize > dir.Length || U32(dir, at) != CentralHeaderSignature)
                throw Corrupt(source, $"has a broken central directory at entry {i} of {count}");
            ushort flags = U16(dir, at + 8), method = U16(dir, at + 10);
            uint crc = U32(dir, at + 16);
            long comp = U32(dir, at + 20), size = U32(dir, at + 24), offset = U32(dir, at + 42);
            int nameLength = U16(dir, at + 28), extraLength = U16(dir, at + 30), commentLength = U16(dir, at + 32);
            int next = at + CentralHeaderSize + nameLength + extraLength + commentLength;
            if (next > dir.Length) throw Corrupt(source, $"has a central directory entry {i} running past the directory");
            var name = Encoding.UTF8.GetString(dir, at + CentralHeaderSize, nameLength);
            // §4.5.3: only the fields whose 32-bit value is 0xFFFFFFFF are in the ZIP64 extra field, in this order.
            var extra = dir.AsSpan(at + CentralHeaderSize + nameLength, extraLength);
            if (comp == uint.MaxValue || size == uint.MaxValue || offset == uint.MaxValue)
            {
                var z = FindExtra(extra, Zip64ExtraId).ToArray();
                int k = 0;
                long Next(string what) => z.Length >= k + 8 ? (long)U64(z, (k += 8) - 8)
                    : throw Corrupt(source, $"entry {name} lacks its ZIP64 {what}");
                if (size == uint.MaxValue) size = Next("size");
                if (comp == uint.MaxValue) comp = Next("compressed size");
                if (offset == uint.MaxValue) offset = Next("offset");
            }
            if ((flags & FlagEncrypted) != 0) throw Corrupt(source, $"entry {name} is encrypted");
            if (comp < 0 || size < 0 || offset < 0 || offset + LocalHeaderSize + comp > dirOffset)
                throw Corrupt(source, $"entry {name} claims bytes {offset}..{offset + comp} beyond the data area (the directory starts at {dirOffset})");
            raw.Add((name, method, flags, crc, comp, size, offset));
            at = next;
        }
        if (raw.Select(r => r.Name).Distinct().Count() != raw.Count) throw Corrupt(source, "has two entries of the same name");
        // Each entry's span ends where the next one (by offset) starts; the last one's at the directory.
        var byOffset = raw.OrderBy(r => r.Offset).ToList();
        var result = new List<ZipEntryRecord>(raw.Count);
        for (int i = 0; i < byOffset.Count; i++)
        {
            var r = byOffset[i];
            long spanEnd = i + 1 < byOffset.Count ? byOffset[i + 1].Offset : dirOffset;
            if (spanEnd - r.Offset < LocalHeaderSize + r.Name.Length + r.Comp)
                throw Corrupt(source, $"entry {r.Name} ({r.Comp} bytes at {r.Offset}) overlaps the next entry at {spanEnd}");
            result.Add(new ZipEntryRecord(r.Name, r.Method, r.Flags, r.Crc, r.Comp, r.Size, r.Offset, spanEnd));
        }
        return result;
    }

    /// <summary>
    /// The entry's uncompressed bytes, read with one range request over its span (local header, extra field, data);
    /// the local header must agree with the directory and the CRC-32 (§4.4.7) with the data.
    /// </summary>
    public async Task<byte[]> ReadEntryAsync(ZipEntryRecord entry, CancellationToken ct = default)
    {
        if (entry.SpanLength > int.MaxValue || entry.Size > Array.MaxLength)
            throw Corrupt(_source, $"entry {entry.Name} is too large to read ({entry.Size} bytes)");
        var span = await _source.ReadAsync(entry.LocalHeaderOffset, (int)entry.SpanLength, ct);
        return Decode(_source.Name, entry, span);
    }

    /// <summary>
    /// The bytes of entries that lie back to back (each one's span ends where the next begins), read with one range
    /// request: torch writes a state dict's storages in key order, so the kept ones are mostly adjacent.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> ReadAdjacentEntriesAsync(IReadOnlyList<ZipEntryRecord> run, CancellationToken ct = default)
    {
        for (int i = 1; i < run.Count; i++)
            if (run[i].LocalHeaderOffset != run[i - 1].SpanEnd) throw new ArgumentException("the entries are not adjacent", nameof(run));
        long start = run[0].LocalHeaderOffset, length = run[^1].SpanEnd - start;
        if (length > int.MaxValue) throw Corrupt(_source, $"entries from {run[0].Name} span {length} bytes, too many to read at once");
        var bytes = await _source.ReadAsync(start, (int)length, ct);
        return run.Select(e => Decode(_source.Name, e, bytes.AsSpan((int)(e.LocalHeaderOffset - start), (int)e.SpanLength).ToArray())).ToList();
    }

    /// <summary>Checks a span read earlier (<see cref="ReadEntryAsync"/>) and returns the entry's bytes.</summary>
    internal static byte[] Decode(string file, ZipEntryRecord entry, byte[] span)
    {
        if (U32(span, 0) != LocalHeaderSignature) throw Corrupt(file, $"has no local header for {entry.Name} at {entry.LocalHeaderOffset}");
        int nameLength = U16(span, 26), extraLength = U16(span, 28);
        var name = Encoding.UTF8.GetString(span, LocalHeaderSize, Math.Min(nameLength, span.Length - LocalHeaderSize));
        if (name != entry.Name) throw Corrupt(file, $"names its entry at {entry.LocalHeaderOffset} '{name}' in the local header but '{entry.Name}' in the directory");
        ushort method = U16(span, 8);
        if (method != entry.Method) throw Corrupt(file, $"entry {entry.Name} has method {method} locally but {entry.Method} in the directory");
        long dataStart = LocalHeaderSize + nameLength + extraLength;
        if (dataStart + entry.CompressedSize > span.Length)
            throw Corrupt(file, $"entry {entry.Name}'s data ({entry.CompressedSize} bytes after a {dataStart}-byte header) runs into the next entry");
        if ((entry.Flags & FlagDataDescriptor) == 0 && U32(span, 14) != entry.Crc32)
            throw Corrupt(file, $"entry {entry.Name} has CRC {U32(span, 14):x8} locally but {entry.Crc32:x8} in the directory");
        var data = span.AsMemory((int)dataStart, (int)entry.CompressedSize);
        byte[] bytes;
        if (method == MethodStored)
        {
            if (entry.CompressedSize != entry.Size) throw Corrupt(file, $"stored entry {entry.Name} has {entry.CompressedSize} bytes but claims {entry.Size}");
            bytes = data.ToArray();
        }
        else if (method == MethodDeflated)
        {
            bytes = new byte[entry.Size];
            try
            {
                using var inflate = new DeflateStream(new MemoryStream(data.ToArray()), CompressionMode.Decompress);
                inflate.ReadExactly(bytes);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                throw Corrupt(file, $"entry {entry.Name} does not inflate to its {entry.Size} bytes ({e.Message})");
            }
        }
        else throw Corrupt(file, $"entry {entry.Name} uses compression method {method}; only stored and deflated are supported");
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(bytes);
        if (crc != entry.Crc32) throw Corrupt(file, $"entry {entry.Name} has CRC-32 {crc:x8}, the directory says {entry.Crc32:x8}: the download is corrupt");
        return bytes;
    }

    /// <summary>Whether <paramref name="bytes"/> are the entry's contents (for entries kept from an interrupted fetch).</summary>
    public static bool Matches(ZipEntryRecord entry, byte[] bytes) =>
        bytes.LongLength == entry.Size && System.IO.Hashing.Crc32.HashToUInt32(bytes) == entry.Crc32;

    // The end record is searched backwards: a comment could contain its signature, the real one is the last.
    private static int FindEnd(byte[] tail)
    {
        for (int i = tail.Length - EndSize; i >= 0; i--)
            if (U32(tail, i) == EndSignature && i + EndSize + U16(tail, i + 20) == tail.Length) return i;
        return -1;
    }

    private static ReadOnlySpan<byte> FindExtra(ReadOnlySpan<byte> extra, ushort id)
    {
        // §4.5.1: a sequence of (id: 2 bytes, size: 2 bytes, data).
        for (int at = 0; at + 4 <= extra.Length;)
        {
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(extra[at..]);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(extra[(at + 2)..]);
            if (at + 4 + size > extra.Length) break;
            if (tag == id) return extra.Slice(at + 4, size);
            at += 4 + size;
        }
        return [];
    }

    private static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);
    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);
    private static ushort U16(byte[] b, int at) => U16(b.AsSpan(), at);
    private static uint U32(byte[] b, int at) => U32(b.AsSpan(), at);
    private static ulong U64(byte[] b, int at) => U64(b.AsSpan(), at);

    private static InvalidInputException Corrupt(IByteRangeSource source, string problem) => Corrupt(source.Name, problem);
    private static InvalidInputException Corrupt(string file, string problem) => InvalidInputException.ForFile(file, $"corrupt zip: {problem}");
}
