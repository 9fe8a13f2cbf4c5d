namespace LatentAudio.Metrics.P862;

/// <summary>
/// Everything in P.862 that depends on the sample rate: the envelope decimation factor (4 ms at both rates), the
/// fine-alignment FFT length (64 ms), the perceptual frame length (32 ms), the padding the reference implementation
/// puts around each signal, and the IIR filter used only for time alignment.
/// Values from the P.862 reference implementation (`pesqpar.h`, `pesq.h`: SEARCHBUFFER 75, DATAPADDING_MSECS 320).
/// </summary>
internal sealed class PesqRateProfile
{
    /// <summary>Envelope windows searched either side of an utterance (SEARCHBUFFER).</summary>
    public const int SearchBufferWindows = 75;
    private const int DataPaddingMs = 320;

    public int SampleRate { get; }
    /// <summary>Samples per envelope window (Downsample): 32 at 8 kHz, 64 at 16 kHz.</summary>
    public int Downsample { get; }
    /// <summary>FFT length of the fine (histogram) alignment: 512 / 1024.</summary>
    public int AlignNfft { get; }
    /// <summary>Perceptual-model frame length, 8 envelope windows: 256 / 512.</summary>
    public int FrameLength => 8 * Downsample;
    /// <summary>Zeros in front of the signal (and behind it, plus <see cref="DataPadding"/>).</summary>
    public int SearchBufferSamples => SearchBufferWindows * Downsample;
    /// <summary>Extra zeros after the signal (320 ms).</summary>
    public int DataPadding => DataPaddingMs * (SampleRate / 1000);
    /// <summary>Second-order sections (b0 b1 b2 a1 a2) of the filter applied before VAD and alignment.</summary>
    public float[] AlignmentFilterSections { get; }
    /// <summary>Gain pre-factor of the P.862 model (Sp) that scales the Bark power densities.</summary>
    public float PowerScale { get; }
    /// <summary>Loudness scale (Sl).</summary>
    public float LoudnessScale { get; } = 1.866055e-1f;
    public PesqBandTables Bands { get; }

    private PesqRateProfile(int rate, int downsample, int alignNfft, float[] sections, float powerScale)
    {
        SampleRate = rate; Downsample = downsample; AlignNfft = alignNfft;
        AlignmentFilterSections = sections; PowerScale = powerScale;
        Bands = PesqBandTables.For(rate);
    }

    public static PesqRateProfile For(int sampleRate) => sampleRate switch
    {
        8000 => new PesqRateProfile(8000, 32, 512, InIir8k, 2.764344e-5f),
        16000 => new PesqRateProfile(16000, 64, 1024, InIir16k, 6.910853e-006f),
        _ => throw new ArgumentOutOfRangeException(nameof(sampleRate)),
    };

    // InIIR_Hsos_8k / InIIR_Hsos_16k of the reference implementation (`pesqpar.h`).
    private static readonly float[] InIir8k =
    [
        0.885535424f, -0.885535424f, 0.000000000f, -0.771070709f, 0.000000000f,
        0.895092588f, 1.292907193f, 0.449260174f, 1.268869037f, 0.442025372f,
        4.049527940f, -7.865190042f, 3.815662102f, -1.746859852f, 0.786305963f,
        0.500002353f, -0.500002353f, 0.000000000f, 0.000000000f, 0.000000000f,
        0.565002834f, -0.241585934f, -0.306009671f, 0.259688659f, 0.249979657f,
        2.115237288f, 0.919935084f, 1.141240051f, -1.587313419f, 0.665935315f,
        0.912224584f, -0.224397719f, -0.641121413f, -0.246029464f, -0.556720590f,
        0.444617727f, -0.307589321f, 0.141638062f, -0.996391149f, 0.502251622f,
    ];

    private static readonly float[] InIir16k =
    [
        0.325631521f, -0.086782860f, -0.238848661f, -1.079416490f, 0.434583902f,
        0.403961804f, -0.556985881f, 0.153024077f, -0.415115835f, 0.696590244f,
        4.736162769f, 3.287251046f, 1.753289019f, -1.859599046f, 0.876284034f,
        0.365373469f, 0.000000000f, 0.000000000f, -0.634626531f, 0.000000000f,
        0.884811506f, 0.000000000f, 0.000000000f, -0.256725271f, 0.141536777f,
        0.723593055f, -1.447186099f, 0.723593044f, -1.129587469f, 0.657232737f,
        1.644910855f, -1.817280902f, 1.249658063f, -1.778403899f, 0.801724355f,
        0.633692689f, -0.284644314f, -0.319789663f, 0.000000000f, 0.000000000f,
        1.032763031f, 0.268428979f, 0.602913323f, 0.000000000f, 0.000000000f,
        1.001616361f, -0.823749013f, 0.439731942f, -0.885778255f, 0.000000000f,
        0.752472096f, -0.375388990f, 0.188977609f, -0.077258216f, 0.247230734f,
        1.023700575f, 0.001661628f, 0.521284240f, -0.183867259f, 0.354324187f,
    ];
}
