using System.Buffers.Binary;

namespace LatentAudio.Tests.Audio;

/// <summary>
/// Test-side reader of the integer samples of a PCM WAV written by `flac -d` (independent of WavReader, so the FLAC
/// test compares against libFLAC's integers and not against our own float conversion).
/// </summary>
internal static class PcmWavFile
{
    public static (long[] Interleaved, int Channels, int Bits, int Rate) ReadIntegers(string path)
    {
        var b = File.ReadAllBytes(path);
        int pos = 12, channels = 0, bits = 0, rate = 0;
        while (pos + 8 <= b.Length)
        {
            string id = System.Text.Encoding.ASCII.GetString(b, pos, 4);
            int size = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(pos + 4));
            if (id == "fmt ")
            {
                channels = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(pos + 10));
                rate = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(pos + 12));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(pos + 22));
            }
            else if (id == "data")
            {
                int bytes = (bits + 7) / 8;
                var data = b.AsSpan(pos + 8, size);
                var result = new long[size / bytes];
                for (int i = 0; i < result.Length; i++)
                {
                    var s = data.Slice(i * bytes, bytes);
                    result[i] = bytes switch
                    {
                        1 => s[0] - 128,
                        2 => BinaryPrimitives.ReadInt16LittleEndian(s),
                        3 => s[0] | (s[1] << 8) | ((sbyte)s[2] << 16),
                        _ => BinaryPrimitives.ReadInt32LittleEndian(s),
                    };
                }
                return (result, channels, bits, rate);
            }
            pos += 8 + size + (size & 1);
        }
        throw new InvalidDataException("no data chunk in " + path);
    }
}
