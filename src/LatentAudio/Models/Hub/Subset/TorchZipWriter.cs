using System.Buffers.Binary;
using System.Text;

namespace LatentAudio.Models.Hub;

/// <summary>
/// Writes a zip the way torch.save does (caffe2/serialize/inline_container.cc PyTorchStreamWriter, miniz): every entry
/// STORED, its data starting on a 64-byte boundary (kFieldAlignment) thanks to a padding extra field "FB"; ZIP64
/// records (APPNOTE.TXT §4.3.14-15, §4.5.3) when an offset or size needs them, or when asked (tests). So
/// <c>TorchCheckpointReader</c> (and torch.load) read the result like any checkpoint.
/// </summary>
public sealed class TorchZipWriter : IDisposable
{
    /// <summary>inline_container.h kFieldAlignment: storages start at multiples of 64 bytes (so they can be mmapped).</summary>
    public const int Alignment = 64;
    private const ushort PaddingExtraId = 0x4246;               // 'F','B': inline_container.cc getPadding
    private const ushort Zip64ExtraId = 0x0001;                 // APPNOTE.TXT §4.5.3
    private const ushort VersionStored = 20, VersionZip64 = 45; // APPNOTE.TXT §4.4.3.2
    private const ushort DosDate1980 = (0 << 9) | (1 << 5) | 1; // §4.4.6: 1980-01-01, a fixed time keeps files reproducible

    private readonly Stream _out;
    private readonly bool _forceZip64;
    private readonly List<(byte[] Name, uint Crc, long Size, long Offset)> _entries = [];

    public TorchZipWriter(Stream output, bool forceZip64 = false)
    {
        _out = output;
        _forceZip64 = forceZip64;
    }

    public void Add(string name, ReadOnlySpan<byte> data)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        long offset = _out.Position;
        bool zip64 = _forceZip64 || offset >= uint.MaxValue;
        int zip64Extra = zip64 ? 4 + 16 : 0;
        // getPadding: the data starts after the header, the name, the ZIP64 extra and the padding field's own 4 bytes.
        long start = offset + 30 + nameBytes.Length + zip64Extra + 4;
        int padding = (int)((Alignment - start % Alignment) % Alignment);
        uint crc = System.IO.Hashing.Crc32.HashToUInt32(data);

        var header = new byte[30 + nameBytes.Length + zip64Extra + 4 + padding];
        var h = header.AsSpan();
        W32(h, 0, 0x04034b50);                              // §4.3.7 local file header
        W16(h, 4, zip64 ? VersionZip64 : VersionStored);
        W16(h, 8, 0);                                       // stored
        W16(h, 12, DosDate1980);
        W32(h, 14, crc);
        W32(h, 18, zip64 ? uint.MaxValue : (uint)data.Length);
        W32(h, 22, zip64 ? uint.MaxValue : (uint)data.Length);
        W16(h, 26, (ushort)nameBytes.Length);
        W16(h, 28, (ushort)(zip64Extra + 4 + padding));
        nameBytes.CopyTo(h[30..]);
        int at = 30 + nameBytes.Length;
        if (zip64)
        {
            W16(h, at, Zip64ExtraId); W16(h, at + 2, 16);
            W64(h, at + 4, (ulong)data.Length); W64(h, at + 12, (ulong)data.Length);
            at += zip64Extra;
        }
        W16(h, at, PaddingExtraId); W16(h, at + 2, (ushort)padding);
        h[(at + 4)..].Fill((byte)'Z');
        _out.Write(header);
        _out.Write(data);
        _entries.Add((nameBytes, crc, data.Length, offset));
    }

    /// <summary>Writes the central directory and end records.</summary>
    public void Finish()
    {
        long dirOffset = _out.Position;
        bool zip64 = _forceZip64 || _entries.Any(e => e.Offset >= uint.MaxValue || e.Size >= uint.MaxValue) || _entries.Count >= ushort.MaxValue;
        foreach (var (name, crc, size, offset) in _entries)
        {
            var d = new byte[46 + name.Length + (zip64 ? 28 : 0)];
            var s = d.AsSpan();
            W32(s, 0, 0x02014b50);                          // §4.3.12 central directory header
            W16(s, 4, zip64 ? VersionZip64 : VersionStored);
            W16(s, 6, zip64 ? VersionZip64 : VersionStored);
            W16(s, 14, DosDate1980);
            W32(s, 16, crc);
            W32(s, 20, zip64 ? uint.MaxValue : (uint)size);
            W32(s, 24, zip64 ? uint.MaxValue : (uint)size);
            W16(s, 28, (ushort)name.Length);
            W16(s, 30, (ushort)(zip64 ? 28 : 0));
            W32(s, 42, zip64 ? uint.MaxValue : (uint)offset);
            name.CopyTo(s[46..]);
            if (zip64)
            {
                int at = 46 + name.Length;                  // §4.5.3: size, compressed size, offset
                W16(s, at, Zip64ExtraId); W16(s, at + 2, 24);
                W64(s, at + 4, (ulong)size); W64(s, at + 12, (ulong)size); W64(s, at + 20, (ulong)offset);
            }
            _out.Write(d);
        }
        long dirSize = _out.Position - dirOffset;
        if (zip64)
        {
            long recordAt = _out.Position;
            var r = new byte[56];                           // §4.3.14 ZIP64 end of central directory record
            W32(r, 0, 0x06064b50); W64(r, 4, 56 - 12); W16(r, 12, VersionZip64); W16(r, 14, VersionZip64);
            W64(r, 24, (ulong)_entries.Count); W64(r, 32, (ulong)_entries.Count); W64(r, 40, (ulong)dirSize); W64(r, 48, (ulong)dirOffset);
            _out.Write(r);
            var l = new byte[20];                           // §4.3.15 ZIP64 end of central directory locator
            W32(l, 0, 0x07064b50); W64(l, 8, (ulong)recordAt); W32(l, 16, 1);
            _out.Write(l);
        }
        var e = new byte[22];                               // §4.3.16 end of central directory record
        W32(e, 0, 0x06054b50);
        ushort count = zip64 ? ushort.MaxValue : (ushort)_entries.Count;
        W16(e, 8, count); W16(e, 10, count);
        W32(e, 12, zip64 ? uint.MaxValue : (uint)dirSize);
        W32(e, 16, zip64 ? uint.MaxValue : (uint)dirOffset);
        _out.Write(e);
        _out.Flush();
    }

    public void Dispose() => _out.Dispose();

    private static void W16(Span<byte> b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b[at..], v);
    private static void W32(Span<byte> b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b[at..], v);
    private static void W64(Span<byte> b, int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b[at..], v);
}
