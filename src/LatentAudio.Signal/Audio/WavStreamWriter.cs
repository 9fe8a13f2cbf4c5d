using System.Buffers.Binary;
using LatentAudio.IO;

namespace LatentAudio.Audio;

/// <summary>
/// Writes a RIFF/WAVE file block by block, for outputs too long to hold in memory. The file lives under a temporary
/// name until <see cref="Complete"/> patches the header with the real length and renames it into place; disposing an
/// unfinished writer deletes it, so an interrupted run never leaves a truncated WAV under the final name.
/// </summary>
public sealed class WavStreamWriter : IDisposable
{
    private readonly PendingFile _file;
    private readonly int _channels, _bytesPerSample;
    private readonly WavSampleFormat _format;
    private byte[] _buffer = [];
    private long _frames;

    public WavStreamWriter(string path, int channels, int sampleRate, WavSampleFormat format, bool overwrite)
    {
        if (channels is < 1 or > ushort.MaxValue) throw new ArgumentOutOfRangeException(nameof(channels));
        _channels = channels; _format = format; SampleRate = sampleRate;
        _bytesPerSample = format == WavSampleFormat.Pcm16 ? 2 : 4;
        _file = AtomicFile.Open(path, overwrite);
        _file.Run(() => WriteHeader(0));
    }

    public int SampleRate { get; }
    public long FramesWritten => _frames;

    /// <summary>Appends <paramref name="count"/> frames, taking channel c from <c>planar[c][offset..]</c>.</summary>
    public void Write(IReadOnlyList<float[]> planar, int offset, int count)
    {
        if (planar.Count != _channels) throw new ArgumentException($"expected {_channels} channels, got {planar.Count}");
        if (count == 0) return;
        if ((_frames + count) * _channels * _bytesPerSample > uint.MaxValue - WavWriter.HeaderSize(_format))
            throw new InvalidInputException("output is too long for a RIFF/WAVE file (4 GiB limit)");
        int bytes = count * _channels * _bytesPerSample;
        if (_buffer.Length < bytes) _buffer = new byte[bytes];
        var span = _buffer.AsSpan(0, bytes);
        int o = 0;
        for (int i = 0; i < count; i++)
            for (int c = 0; c < _channels; c++)
            {
                float v = planar[c][offset + i];
                if (_format == WavSampleFormat.Pcm16) { BinaryPrimitives.WriteInt16LittleEndian(span[o..], WavWriter.QuantizePcm16(v)); o += 2; }
                else { BinaryPrimitives.WriteSingleLittleEndian(span[o..], v); o += 4; }
            }
        _file.Run(() => _file.Stream.Write(_buffer, 0, bytes));
        _frames += count;
    }

    /// <summary>Writes the final header and renames the file into place.</summary>
    public void Complete()
    {
        _file.Run(() =>
        {
            _file.Stream.Position = 0;
            WriteHeader(_frames * _channels * _bytesPerSample);
        });
        _file.Commit();
    }

    private void WriteHeader(long dataBytes)
    {
        Span<byte> h = stackalloc byte[WavWriter.HeaderSize(_format)];
        WavWriter.FillHeader(h, _channels, SampleRate, _format, dataBytes);
        _file.Stream.Write(h);
    }

    public void Dispose() => _file.Dispose();
}
