namespace LatentAudio.Audio.Flac;

/// <summary>
/// The stream marker and metadata blocks (RFC 9639 §7, §8). Only STREAMINFO is needed; every other block
/// (SEEKTABLE, VORBIS_COMMENT, PICTURE, ...) is skipped by its length. An ID3v2 tag before "fLaC" is tolerated,
/// as libFLAC does.
/// </summary>
internal static class FlacMetadata
{
    private const int StreamInfoType = 0, InvalidType = 127;

    /// <summary>Returns STREAMINFO and the stream offset of the first frame.</summary>
    public static (FlacStreamInfo Info, long FirstFrameOffset) Read(Stream stream, string name)
    {
        long length = stream.Length;
        stream.Position = 0;
        Span<byte> head = stackalloc byte[10];
        if (ReadFully(stream, head[..4]) < 4) throw InvalidInputException.ForFile(name, "too short to be a FLAC file");
        if (head[..3].SequenceEqual("ID3"u8))
        {
            if (ReadFully(stream, head[4..]) < 6) throw InvalidInputException.ForFile(name, "truncated ID3v2 tag");
            // ID3v2.4 §3.1: the size is a 28-bit "syncsafe" integer (7 bits per byte); a footer adds 10 bytes.
            if (((head[6] | head[7] | head[8] | head[9]) & 0x80) != 0) throw InvalidInputException.ForFile(name, "invalid ID3v2 tag size");
            long size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9];
            long skip = 10 + size + ((head[5] & 0x10) != 0 ? 10 : 0);
            if (skip + 4 > length) throw InvalidInputException.ForFile(name, "ID3v2 tag runs past the end of the file");
            stream.Position = skip;
            if (ReadFully(stream, head[..4]) < 4) throw InvalidInputException.ForFile(name, "truncated after the ID3v2 tag");
        }
        if (!head[..4].SequenceEqual("fLaC"u8))
            throw InvalidInputException.ForFile(name, "not a FLAC stream (no \"fLaC\" marker)");

        FlacStreamInfo? info = null;
        Span<byte> blockHeader = stackalloc byte[4];
        Span<byte> body = stackalloc byte[FlacStreamInfo.Length];
        bool last = false;
        while (!last)
        {
            if (ReadFully(stream, blockHeader) < 4) throw InvalidInputException.ForFile(name, "FLAC metadata is truncated");
            last = (blockHeader[0] & 0x80) != 0;
            int type = blockHeader[0] & 0x7F;
            int size = (blockHeader[1] << 16) | (blockHeader[2] << 8) | blockHeader[3];
            long bodyStart = stream.Position;
            if (bodyStart + size > length) throw InvalidInputException.ForFile(name, $"FLAC metadata block of type {type} runs past the end of the file");
            if (type == InvalidType) throw InvalidInputException.ForFile(name, "invalid FLAC metadata block type 127");
            if (info is null && type != StreamInfoType) throw InvalidInputException.ForFile(name, "FLAC metadata does not start with STREAMINFO");
            if (type == StreamInfoType)
            {
                if (info is not null) throw InvalidInputException.ForFile(name, "FLAC has two STREAMINFO blocks");
                if (size < FlacStreamInfo.Length) throw InvalidInputException.ForFile(name, $"FLAC STREAMINFO block has size {size}, expected 34");
                ReadFully(stream, body);
                info = FlacStreamInfo.Parse(body, name);
            }
            stream.Position = bodyStart + size;
        }
        return (info!, stream.Position);
    }

    // Stream.Read may return fewer bytes than asked before the end: read until full or end of stream.
    private static int ReadFully(Stream s, Span<byte> buffer) => s.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
}
