using System.Buffers.Binary;
using LatentAudio.IO;

namespace LatentAudio.Audio;

public enum WavSampleFormat
{
    /// <summary>16-bit PCM, rounded and clipped to [-32768, 32767].</summary>
    Pcm16,
    /// <summary>32-bit IEEE float, unquantised.</summary>
    Float32,
}

/// <summary>Writes RIFF/WAVE files (atomically: temp file, then rename).</summary>
public static class WavWriter
{
    public static WavSampleFormat ParseFormat(string text) => text.ToLowerInvariant() switch
    {
        "wav16" or "pcm16" or "16" => WavSampleFormat.Pcm16,
        "wav32f" or "float32" or "f32" => WavSampleFormat.Float32,
        _ => throw new InvalidInputException($"unknown output format '{text}' (expected wav16 or wav32f)"),
    };

    public static void Write(string path, AudioBuffer audio, WavSampleFormat format = WavSampleFormat.Pcm16, bool overwrite = false) =>
        AtomicFile.Write(path, overwrite, s => Write(s, audio, format));

    public static void Write(Stream stream, AudioBuffer audio, WavSampleFormat format)
    {
        int ch = audio.ChannelCount, bytesPerSample = format == WavSampleFormat.Pcm16 ? 2 : 4;
        long dataBytes = (long)audio.Length * ch * bytesPerSample;
        if (dataBytes > uint.MaxValue - HeaderSize(format)) throw new InvalidInputException("audio is too long for a RIFF/WAVE file (4 GiB limit)");
        Span<byte> h = stackalloc byte[HeaderSize(format)];
        FillHeader(h, ch, audio.SampleRate, format, dataBytes);
        stream.Write(h);

        const int block = 4096;
        var buf = new byte[block * ch * bytesPerSample];
        for (int start = 0; start < audio.Length; start += block)
        {
            int n = Math.Min(block, audio.Length - start);
            int o = 0;
            for (int i = 0; i < n; i++)
                for (int c = 0; c < ch; c++)
                {
                    float v = audio.Channel(c)[start + i];
                    if (format == WavSampleFormat.Pcm16)
                    {
                        BinaryPrimitives.WriteInt16LittleEndian(buf.AsSpan(o), QuantizePcm16(v));
                        o += 2;
                    }
                    else
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(buf.AsSpan(o), v);
                        o += 4;
                    }
                }
            stream.Write(buf, 0, o);
        }
    }

    /// <summary>Bytes before the samples: 44 for PCM 16; 58 for float (18-byte WAVEFORMATEX fmt and a fact chunk).</summary>
    public static int HeaderSize(WavSampleFormat format) => format == WavSampleFormat.Pcm16 ? 44 : 58;

    /// <summary>
    /// The header for <paramref name="dataBytes"/> of samples, <see cref="HeaderSize"/> bytes: the canonical 44-byte
    /// PCM header for 16-bit; for 32-bit float (WAVE_FORMAT_IEEE_FLOAT) the extended 18-byte fmt chunk (cbSize 0) and
    /// the fact chunk (frame count) that the RIFF spec asks of every non-PCM file, so sox reads it without warnings
    /// (sox 14.4.2 warns on a 16-byte float fmt, and also on WAVE_FORMAT_EXTENSIBLE float).
    /// </summary>
    internal static void FillHeader(Span<byte> h, int ch, int sampleRate, WavSampleFormat format, long dataBytes)
    {
        int bytesPerSample = format == WavSampleFormat.Pcm16 ? 2 : 4;
        bool pcm = format == WavSampleFormat.Pcm16;
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(HeaderSize(format) - 8 + dataBytes));
        "WAVEfmt "u8.CopyTo(h[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], pcm ? 16u : 18u);
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], (ushort)(pcm ? 1 : 3));
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], (ushort)ch);
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(sampleRate * ch * bytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], (ushort)(ch * bytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], (ushort)(bytesPerSample * 8));
        int o = 36;
        if (!pcm)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(h[36..], 0);   // cbSize: no extension
            "fact"u8.CopyTo(h[38..]);
            BinaryPrimitives.WriteUInt32LittleEndian(h[42..], 4);
            BinaryPrimitives.WriteUInt32LittleEndian(h[46..], (uint)(dataBytes / (ch * bytesPerSample)));
            o = 50;
        }
        "data"u8.CopyTo(h[o..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[(o + 4)..], (uint)dataBytes);
    }

    /// <summary>x * 32768 rounded half away from zero and clipped: the inverse of the reader's /32768 for every int16.</summary>
    public static short QuantizePcm16(float v)
    {
        if (float.IsNaN(v)) return 0;
        double s = Math.Round(v * 32768.0, MidpointRounding.AwayFromZero);
        return (short)Math.Clamp(s, short.MinValue, short.MaxValue);
    }
}
