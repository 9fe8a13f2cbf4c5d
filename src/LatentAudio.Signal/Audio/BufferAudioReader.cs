
namespace LatentAudio.Audio;

/// <summary>An in-memory <see cref="AudioBuffer"/> read like a file, so buffers and files share the streaming encoder.</summary>
public sealed class BufferAudioReader(AudioBuffer audio) : IAudioReader
{
    private long _position;

    public AudioFormatInfo Format { get; } = new("memory", audio.SampleRate, audio.ChannelCount, audio.Length, null);

    public int Read(Span<float> destination)
    {
        int ch = audio.ChannelCount;
        int n = (int)Math.Min(destination.Length / ch, audio.Length - _position);
        for (int c = 0; c < ch; c++)
        {
            var src = audio.Channels[c];
            for (int i = 0; i < n; i++) destination[i * ch + c] = src[_position + i];
        }
        _position += n;
        return n;
    }

    public void Skip(long frames) => _position = Math.Min(audio.Length, _position + Math.Max(0, frames));

    public void Dispose() { }
}
