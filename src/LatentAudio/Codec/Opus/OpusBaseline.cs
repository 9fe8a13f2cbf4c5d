using Concentus.Enums;
using LatentAudio.Codec.Bitstream;
using OpusDecoderImpl = Concentus.Structs.OpusDecoder;
using OpusEncoderImpl = Concentus.Structs.OpusEncoder;

namespace LatentAudio.Codec.Opus;

/// <summary>An Opus-coded clip and its honest size.</summary>
public sealed record OpusEncoded(byte[] File, int SampleRate, int SampleCount, int PreSkip, int Packets, double RequestedKbps)
{
    public double DurationSeconds => (double)SampleCount / SampleRate;
    /// <summary>8 × all file bytes (header + length prefixes + packets) ÷ duration.</summary>
    public double MeasuredKbps => File.Length * 8.0 / DurationSeconds / 1000;
}

/// <summary>
/// The classic-codec baseline: mono Opus (at 16 kHz by default; at any rate Opus codes, see <see cref="RateFor"/>) through Concentus (managed port of libopus 1.3), complexity 10,
/// 20 ms frames, application AUDIO, hard CBR by default (opusenc --hard-cbr, notes/codec-and-cli-lessons.md §9):
/// VBR cannot go below ≈7.4 kbps on our samples at 20 ms (SILK's floor; measured 7.47 kbps when 6 was asked), so
/// only CBR hits every point of the 6-32 kbps sweep within 10%. VBR stays available for comparison.
/// Framing (instead of Ogg, whose pages add ~1-2% at these rates): a 20-byte header
/// ("LAOP", u16 version 1, u32 sample rate, u16 channels, u16 pre-skip, u32 sample count, u16 frame size), then each
/// packet as a LEB128 length (1 byte below 128 bytes, i.e. for every packet up to 51 kbps) + the packet bytes.
/// The measured bitrate counts all of it. The encoder's look-ahead (pre-skip) is fed as extra zero padding at the
/// end and dropped at the start when decoding, so the output is sample-aligned with the input.
/// </summary>
public static class OpusBaseline
{
    /// <summary>The default rate: AudioLDM2's 16 kHz.</summary>
    public const int SampleRate = 16000;
    public const int FrameSize = 320; // 20 ms at 16 kHz

    /// <summary>The rates an Opus encoder takes (RFC 6716 §2: 8, 12, 16, 24 and 48 kHz).</summary>
    public static bool IsSupported(int rate) => rate is 8000 or 12000 or 16000 or 24000 or 48000;

    /// <summary>The rate to code a model's audio at: the model's own when Opus supports it (16 kHz, 48 kHz), else 48 kHz
    /// (Opus's internal rate: nothing of the model's band is lost).</summary>
    public static int RateFor(int modelRate) => IsSupported(modelRate) ? modelRate : 48000;

    /// <summary>20 ms frames at <paramref name="rate"/>.</summary>
    public static int FrameSizeAt(int rate) => rate / 50;
    private static ReadOnlySpan<byte> Magic => "LAOP"u8;
    public static readonly double[] StandardKbps = [6, 8, 12, 16, 24, 32];

    public static OpusEncoded Encode(ReadOnlySpan<float> samples16k, double kbps, bool vbr = false) => Encode(samples16k, kbps, SampleRate, vbr);

    /// <summary>Codes mono <paramref name="samples"/> at <paramref name="sampleRate"/> (one of <see cref="IsSupported"/>).</summary>
    public static OpusEncoded Encode(ReadOnlySpan<float> samples, double kbps, int sampleRate, bool vbr = false)
    {
        if (kbps is < 6 or > 510) throw new InvalidInputException($"Opus bitrate {kbps} kbps is outside [6, 510]");
        if (!IsSupported(sampleRate)) throw new InvalidInputException($"Opus does not code {sampleRate} Hz (8, 12, 16, 24 or 48 kHz)");
        int frameSize = FrameSizeAt(sampleRate);
        // The managed classes directly: OpusCodecFactory may silently switch to a native libopus when one is installed
        // (a process-wide static switch), and the baseline must be the same Concentus code on every machine.
#pragma warning disable CS0618
        var enc = new OpusEncoderImpl(sampleRate, 1, OpusApplication.OPUS_APPLICATION_AUDIO)
        {
            Bitrate = (int)Math.Round(kbps * 1000),
            UseVBR = vbr,
            UseConstrainedVBR = false,
            Complexity = 10,
        };
#pragma warning restore CS0618
        int preSkip = enc.Lookahead;
        int total = samples.Length + preSkip;
        int frames = (total + frameSize - 1) / frameSize;
        var padded = new float[frames * frameSize];
        samples.CopyTo(padded);
        var w = new ByteWriter();
        w.Bytes(Magic);
        w.U16(1);
        w.U32((uint)sampleRate);
        w.U16(1);
        w.U16((ushort)preSkip);
        w.U32((uint)samples.Length);
        w.U16((ushort)frameSize);
        var packet = new byte[1500];
        for (int f = 0; f < frames; f++)
        {
            int n = enc.Encode(padded.AsSpan(f * frameSize, frameSize), frameSize, packet, packet.Length);
            if (n <= 0) throw new LatentAudioException($"Opus encoder failed on frame {f} ({n})");
            w.VarUInt((ulong)n);
            w.Bytes(packet.AsSpan(0, n));
        }
        return new OpusEncoded(w.ToArray(), sampleRate, samples.Length, preSkip, frames, kbps);
    }

    /// <summary>Decodes a file made by <see cref="Encode"/> back to exactly the original number of samples.</summary>
    public static float[] Decode(byte[] file, string name = "opus") => Decode(file, name, conceal: false).Samples;

    /// <summary>
    /// Like <see cref="Decode(byte[], string)"/>, but a packet the managed decoder throws on is replaced by Opus packet
    /// loss concealment and counted. Concentus 2.2.2 throws (an internal ArgumentOutOfRange) on a few valid packets of its own
    /// encoder (seen at 8 kbps CBR on samples/instrument_trumpet.wav); the RD sweep reports the count instead of dying.
    /// </summary>
    public static (float[] Samples, int Concealed) DecodeConcealing(byte[] file, string name = "opus") => Decode(file, name, conceal: true);

    private static (float[] Samples, int Concealed) Decode(byte[] file, string name, bool conceal)
    {
        var r = new ByteReader(file, name, "Opus baseline file");
        if (!r.Bytes(4).SequenceEqual(Magic)) throw r.Error("bad magic");
        if (r.U16() != 1) throw r.Error("unsupported version");
        int rate = (int)r.U32(), channels = r.U16(), preSkip = r.U16();
        int count = (int)Math.Min(r.U32(), int.MaxValue);
        int frameSize = r.U16();
        if (!IsSupported(rate) || channels != 1 || frameSize != FrameSizeAt(rate)) throw r.Error($"expects mono 20 ms frames at 8, 12, 16, 24 or 48 kHz, found {rate} Hz, {channels} ch, {frameSize}");
        if ((long)count + preSkip > (long)file.Length * 48 * frameSize) throw r.Error($"sample count {count} is implausible for the file size");
#pragma warning disable CS0618 // managed decoder on purpose, see Encode
        var dec = new OpusDecoderImpl(rate, 1);
#pragma warning restore CS0618
        var outp = new float[count + preSkip + frameSize];
        int pos = 0;
        var frame = new float[frameSize];
        int concealed = 0;
        while (r.Remaining > 0)
        {
            int n = r.VarUIntIn("packet length", 1275);
            var pkt = r.Bytes(n);
            int got;
            try { got = dec.Decode(pkt, frame, frameSize, false); }
            catch (Exception e) when (conceal && e is not OutOfMemoryException)
            {
                got = dec.Decode(null, frame, frameSize, false);
                concealed++;
            }
            catch (Exception e) when (e is not OutOfMemoryException) { throw r.Error($"Opus packet at byte {r.Position - n} does not decode ({e.Message})"); }
            int copy = Math.Min(got, outp.Length - pos);
            if (copy > 0) frame.AsSpan(0, copy).CopyTo(outp.AsSpan(pos));
            pos += Math.Max(0, copy);
        }
        var result = new float[count];
        Array.Copy(outp, preSkip, result, 0, Math.Max(0, Math.Min(count, pos - preSkip)));
        return (result, concealed);
    }
}
