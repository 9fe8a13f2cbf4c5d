using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LatentAudio.Models.Onnx;

/// <summary>
/// What the file system says about a file without reading it: device, inode, size, and the modification and
/// status-change times in nanoseconds (Linux <c>statx</c>, symlinks followed). The status-change time (ctime) is set
/// by the kernel on every write, truncate, rename onto the name, chmod or <c>touch</c>, and cannot be set by a user
/// program: with the inode it tells whether the file's bytes can have changed since it was last seen.
/// </summary>
internal readonly record struct FileIdentity(ulong DeviceMajor, ulong DeviceMinor, ulong Inode, long Size, long ModifiedNs, long ChangedNs)
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxMtime = 0x40, StatxCtime = 0x80, StatxIno = 0x100, StatxSize = 0x200;
    private const uint Needed = StatxType | StatxMtime | StatxCtime | StatxIno | StatxSize;

    /// <summary>The file's identity, or null where it cannot be had (not Linux, no statx, missing file, a field the
    /// file system does not report): callers then treat the file as unknown and read it.</summary>
    public static FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        // struct statx is 256 bytes with one layout on every Linux architecture (include/uapi/linux/stat.h).
        var buffer = new byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, Needed, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { return null; }
        var b = buffer.AsSpan();
        if ((BinaryPrimitives.ReadUInt32LittleEndian(b) & Needed) != Needed) return null;
        return new FileIdentity(
            DeviceMajor: BinaryPrimitives.ReadUInt32LittleEndian(b[136..]),
            DeviceMinor: BinaryPrimitives.ReadUInt32LittleEndian(b[140..]),
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
            Size: checked((long)BinaryPrimitives.ReadUInt64LittleEndian(b[40..])),
            ModifiedNs: Time(buffer, 112),
            ChangedNs: Time(buffer, 96));
    }

    /// <summary>A struct statx_timestamp (seconds, then nanoseconds) in nanoseconds since the epoch.</summary>
    private static long Time(byte[] b, int offset) =>
        checked(BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(offset)) * 1_000_000_000L + BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(offset + 8)));

    /// <summary>The status-change time as a UTC instant.</summary>
    public DateTime ChangedUtc => DateTime.UnixEpoch.AddTicks(ChangedNs / 100);

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);

    public override string ToString() => $"{DeviceMajor}:{DeviceMinor} {Inode} {Size} {ModifiedNs} {ChangedNs}";
}
