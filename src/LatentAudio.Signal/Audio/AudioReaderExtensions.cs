namespace LatentAudio.Audio;

public static class AudioReaderExtensions
{
    /// <summary>Skips by decoding and dropping, in small blocks, for formats whose own seek is not sample-exact.</summary>
    public static void SkipByDecoding(this IAudioReader reader, long frames)
    {
        int ch = reader.Format.Channels;
        var drop = new float[4096 * ch];
        while (frames > 0)
        {
            int n = reader.Read(drop.AsSpan(0, (int)Math.Min(4096, frames) * ch));
            if (n == 0) return;
            frames -= n;
        }
    }
}
