using LatentAudio.Audio.Flac;

namespace LatentAudio.Audio;

/// <summary>Dispatch to the decoders of compressed formats, by magic bytes (the file name's extension is not trusted).</summary>
internal static class AudioDecoders
{
    private const int SniffBytes = 512;

    public static IAudioReader Open(Stream stream, string name, ReadOnlySpan<byte> head)
    {
        Span<byte> buf = stackalloc byte[SniffBytes];
        stream.Position = 0;
        var first = buf[..stream.ReadAtLeast(buf, SniffBytes, throwOnEndOfStream: false)];

        if (FlacReader.LooksLikeFlac(first)) return FlacReader.Open(stream, name);
        if (OggVorbisReader.OggCodec(first) is { } codec)
        {
            if (codec == "Vorbis") return OggVorbisReader.Open(stream, name);
            throw InvalidInputException.ForFile(name, codec == "unknown"
                ? "Ogg file with an unrecognised codec (only Ogg Vorbis is read)"
                : $"Ogg {codec} is not supported (only Ogg Vorbis is read; convert it, e.g. to FLAC or WAV)");
        }
        if (first.Length >= 10 && first[..3].SequenceEqual("ID3"u8))
        {
            // ID3v2.4 §3.1: 10-byte header, 28-bit syncsafe size, optional 10-byte footer. What follows decides.
            long after = 10 + ((first[6] & 0x7F) << 21 | (first[7] & 0x7F) << 14 | (first[8] & 0x7F) << 7 | (first[9] & 0x7F))
                         + ((first[5] & 0x10) != 0 ? 10 : 0);
            if (after >= stream.Length) throw InvalidInputException.ForFile(name, "ID3 tag without audio after it");
            stream.Position = after;
            var next = buf[..stream.ReadAtLeast(buf, SniffBytes, throwOnEndOfStream: false)];
            int skip = 0;
            while (skip < next.Length && next[skip] == 0) skip++;   // some taggers pad with zeros beyond the tag size
            next = next[skip..];
            if (FlacReader.LooksLikeFlac(next)) return FlacReader.Open(stream, name);
            if (Mp3Reader.LooksLikeMpegFrame(next)) return Mp3Reader.Open(stream, name, after + skip);
            throw InvalidInputException.ForFile(name, "ID3 tag followed by neither MPEG audio frames nor FLAC");
        }
        if (Mp3Reader.LooksLikeMpegFrame(first)) return Mp3Reader.Open(stream, name, 0);
        throw InvalidInputException.ForFile(name, "unsupported or unrecognised audio format (expected WAV, FLAC, MP3 or Ogg Vorbis)");
    }
}
