using LatentAudio.Audio.Flac;

namespace LatentAudio.Audio;

/// <summary>Dispatch to the decoders of compressed formats, by magic bytes.</summary>
internal static class AudioDecoders
{
    public static IAudioReader Open(Stream stream, string name, ReadOnlySpan<byte> head)
    {
        if (FlacReader.LooksLikeFlac(head)) return FlacReader.Open(stream, name);
        throw InvalidInputException.ForFile(name, "unsupported or unrecognised audio format (expected WAV, FLAC, MP3 or Ogg Vorbis)");
    }
}
