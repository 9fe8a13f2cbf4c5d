using LatentAudio.Codec.Bitstream;
using LatentAudio.Codec.Entropy;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Audio;

namespace LatentAudio.Codec.Container;

/// <summary>The file header (docs/format.md §2): everything the decoder needs besides the chunks.</summary>
public sealed record LatentFileHeader(
    ModelIdentity Model,
    int SampleRate,
    int InputChannels,
    ChannelMode Channels,
    long SampleLength,
    StreamLevel[] Streams,
    int CodedSampleRate,
    int HopLength,
    int MelBins,
    int LatentChannels,
    int Downsample,
    int MelFrames,
    int WindowMelFrames,
    int OverlapMelFrames,
    StepMode StepMode,
    float StepValue,
    int PrecisionBits,
    ProbabilityModelPolicy ModelPolicy)
{
    public const int MaxStringBytes = 1024;
    public const int MaxStreams = 64;
    /// <summary>4× the VAE's training length: the decoder runs the VAE on whole windows, so a file may not ask for more.</summary>
    public const int MaxWindowMelFrames = 4096;

    /// <summary>Latent values of one window (channels × frames × rows): 32768 for AudioLDM2; caps what one chunk can make the decoder allocate.</summary>
    public const long MaxWindowValues = 1 << 22;

    /// <summary>
    /// Mel frames a version-1 file codes for <paramref name="samples"/> input samples: ceil(coded samples / hop), at
    /// least 1, rounded up to a multiple of the downsampling; coded samples = ceil(samples·codedRate/rate) (the
    /// resampler's length). Version 1 padded the log-mel with ln 1e-5 up to that count.
    /// </summary>
    public static long MelFramesV1(long samples, int rate, int codedRate, int hop, int down)
    {
        long resampled = AudioTarget.CodedLengthOf(samples, rate, codedRate);
        long needed = Math.Max(1, (resampled + hop - 1) / hop);
        return (needed + down - 1) / down * down;
    }

    /// <summary>
    /// Mel frames a version-2 file codes: the model's frame rule (<see cref="FrameRule"/>): the version-1 count,
    /// but at least one whole window, since a short input is zero-padded to one window as AudioLDM2's pad_wav does.
    /// </summary>
    public static long MelFramesFor(long samples, int rate, int codedRate, int hop, int down, int windowMelFrames) =>
        Math.Max(windowMelFrames, MelFramesV1(samples, rate, codedRate, hop, down));

    /// <summary>This file's length at the coded rate.</summary>
    public long CodedSampleLength => Target.CodedLength;

    public int LatentRows => MelBins / Downsample;
    public int LatentFrames => MelFrames / Downsample;
    public LatentWindowPlan Plan() => Layout.Plan();

    /// <summary>The original rate, length and levels the decoded audio is brought back to.</summary>
    public AudioTarget Target => new(SampleRate, SampleLength, CodedSampleRate, Streams);

    /// <summary>The engine's view of the coded latent: what the windowed decoder needs.</summary>
    public LatentLayout Layout => new(Streams.Length, LatentChannels, Downsample, MelBins, MelFrames, WindowMelFrames, OverlapMelFrames);

    /// <summary>The container's byte for a channel mode (docs/format.md §2: 0 each, 1 mix, 2 first).</summary>
    public static byte ChannelCode(ChannelMode mode) => mode switch
    {
        ChannelMode.Each => 0,
        ChannelMode.Mix => 1,
        ChannelMode.First => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    private static ChannelMode ChannelFromCode(byte code) => code switch
    {
        0 => ChannelMode.Each,
        1 => ChannelMode.Mix,
        _ => ChannelMode.First,
    };

    public void Write(ByteWriter w)
    {
        w.String(Model.Id);
        w.String(Model.Revision);
        if (Model.WeightsSha256.Length != 32) throw new ArgumentException("sha256 must be 32 bytes");
        w.Bytes(Model.WeightsSha256);
        w.U32((uint)SampleRate);
        w.U16((ushort)InputChannels);
        w.U8(ChannelCode(Channels));
        w.U16((ushort)Streams.Length);
        w.U64((ulong)SampleLength);
        foreach (var s in Streams) { w.F64(s.Mean); w.F64(s.Scale); }
        w.U32((uint)CodedSampleRate);
        w.U16((ushort)HopLength);
        w.U16((ushort)MelBins);
        w.U16((ushort)LatentChannels);
        w.U8((byte)Downsample);
        w.U32((uint)MelFrames);
        w.U32((uint)WindowMelFrames);
        w.U32((uint)OverlapMelFrames);
        w.U8(0); // quantiser kind 0: uniform scalar, per-channel offset + step stored in each window chunk
        w.U8((byte)StepMode);
        w.F32(StepValue);
        w.U8(1); // entropy coder 1: rANS, 64-bit state, 32-bit words
        w.U8((byte)PrecisionBits);
        w.U8((byte)ModelPolicy);
    }

    /// <summary>Parses and validates a header body; every count is capped before it sizes anything.</summary>
    public static LatentFileHeader Read(ByteReader r, int version = LatentFileFormat.Version)
    {
        string id = r.String("model id", MaxStringBytes);
        string rev = r.String("model revision", MaxStringBytes);
        var sha = r.Bytes(32).ToArray();
        int rate = (int)Math.Min(r.U32(), int.MaxValue);
        if (rate is < 1000 or > 768000) throw r.Error($"sample rate {rate} Hz is implausible");
        int inCh = r.U16();
        if (inCh is < 1 or > 1024) throw r.Error($"input channel count {inCh} is implausible");
        byte policy = r.U8();
        if (policy > 2) throw r.Error($"unknown channel policy {policy}");
        int streams = r.U16();
        if (streams is < 1 or > MaxStreams) throw r.Error($"coded stream count {streams} is outside [1, {MaxStreams}]");
        var channels = ChannelFromCode(policy);
        if (channels == ChannelMode.Each ? streams != inCh : streams != 1)
            throw r.Error($"{streams} coded streams do not match channel mode {channels.ToString().ToLowerInvariant()} with {inCh} input channels");
        ulong length = r.U64();
        if (length == 0 || length > (ulong)int.MaxValue) throw r.Error($"sample length {length} is outside [1, {int.MaxValue}]");
        var levels = new StreamLevel[streams];
        for (int i = 0; i < streams; i++)
        {
            double mean = r.FiniteF64($"stream {i} mean"), scale = r.FiniteF64($"stream {i} scale");
            if (!(scale > 0)) throw r.Error($"stream {i} scale {scale} must be positive");
            levels[i] = new StreamLevel(mean, scale);
        }
        int codedRate = (int)Math.Min(r.U32(), int.MaxValue);
        if (codedRate is < 1000 or > 768000) throw r.Error($"coded sample rate {codedRate} Hz is implausible");
        int hop = r.U16(), mels = r.U16(), latentCh = r.U16(), down = r.U8();
        if (hop == 0) throw r.Error("hop length is 0");
        if (down is not (1 or 2 or 4 or 8 or 16)) throw r.Error($"downsample factor {down} is not a power of two up to 16");
        if (mels == 0 || mels % down != 0 || mels > 1024) throw r.Error($"{mels} mel bins do not divide by the downsample factor {down}");
        if (latentCh is 0 or > 256) throw r.Error($"latent channel count {latentCh} is implausible");
        int melFrames = (int)Math.Min(r.U32(), int.MaxValue), window = (int)Math.Min(r.U32(), int.MaxValue), overlap = (int)Math.Min(r.U32(), int.MaxValue);
        if (melFrames == 0 || melFrames % down != 0) throw r.Error($"mel frame count {melFrames} is not a positive multiple of {down}");
        if (window == 0 || window % down != 0 || window > MaxWindowMelFrames) throw r.Error($"window of {window} mel frames is not a positive multiple of {down} up to {MaxWindowMelFrames}");
        // the encoder derives the frame count from the length (and, from version 2, the window), so nothing else is
        // valid (and nothing else may size the output)
        long expectedFrames = version == 1 ? MelFramesV1((long)length, rate, codedRate, hop, down) : MelFramesFor((long)length, rate, codedRate, hop, down, window);
        if (melFrames != expectedFrames) throw r.Error($"{melFrames} mel frames do not match {length} samples at {rate} Hz (coded at {codedRate} Hz: {expectedFrames} frames)");
        if (overlap % down != 0 || overlap >= window) throw r.Error($"overlap of {overlap} mel frames is invalid for a window of {window}");
        long windowValues = (long)latentCh * (window / down) * (mels / down);
        if (windowValues > MaxWindowValues) throw r.Error($"a window of {latentCh} x {window / down} x {mels / down} latent values exceeds {MaxWindowValues}");
        byte qKind = r.U8();
        if (qKind != 0) throw r.Error($"unknown quantiser kind {qKind}");
        byte stepMode = r.U8();
        if (stepMode > 2) throw r.Error($"unknown step mode {stepMode}");
        float stepValue = r.FiniteF32("step value");
        byte coder = r.U8();
        if (coder != 1) throw r.Error($"unknown entropy coder {coder}");
        int precision = r.U8();
        if (precision is < FrequencyTable.MinPrecisionBits or > FrequencyTable.MaxPrecisionBits)
            throw r.Error($"probability precision of {precision} bits is outside [{FrequencyTable.MinPrecisionBits}, {FrequencyTable.MaxPrecisionBits}]");
        byte modelPolicy = r.U8();
        if (modelPolicy > 2) throw r.Error($"unknown probability model policy {modelPolicy}");
        r.ExpectEnd();
        return new LatentFileHeader(new ModelIdentity(id, rev, sha), rate, inCh, channels, (long)length, levels, codedRate,
            hop, mels, latentCh, down, melFrames, window, overlap, (StepMode)stepMode, stepValue, precision, (ProbabilityModelPolicy)modelPolicy);
    }
}
