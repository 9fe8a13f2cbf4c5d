namespace LatentAudio.Codec.Container;

/// <summary>Constants of the container (docs/format.md).</summary>
public static class LatentFileFormat
{
    /// <summary>PNG-style signature: a high-bit byte, "LAT", CR LF, Ctrl-Z, LF (catches text-mode transfers).</summary>
    public static ReadOnlySpan<byte> Magic => [0x89, (byte)'L', (byte)'A', (byte)'T', 0x0D, 0x0A, 0x1A, 0x0A];
    /// <summary>2: a short input is coded as one whole zero-padded window (the model's frame rule); 1 padded the log-mel. Both are read.</summary>
    public const ushort Version = 2;
    public const int PreambleBytes = 14;        // magic 8 + version 2 + header length 4
    public const int MaxHeaderBytes = 1 << 16;
    /// <summary>Upper bound for one chunk when the stream length is unknown (a 10.24 s window is ~10-100 KB).</summary>
    public const int MaxChunkBytes = 64 << 20;
    public const byte WindowChunk = (byte)'W';
    public const byte EndChunk = (byte)'E';
    /// <summary>Conventional file extension.</summary>
    public const string Extension = ".lat";
}
