using System.Numerics;
using LatentAudio.Dsp;

namespace LatentAudio.Models.Embeddings.Vggish;

/// <summary>
/// VGGish's input: log-mel examples of 16 kHz mono audio, as harritaylor/torchvggish@f3f90969
/// torchvggish/vggish_input.py waveform_to_examples and mel_features.py compute them, in double like numpy:
/// periodic Hann window of 400 samples (25 ms), hop 160 (10 ms), |rfft| of 512 points, an HTK-mel matrix of 64 bands
/// from 125 to 7500 Hz (row 0, the DC bin, zeroed), log(mel + 0.01), then non-overlapping examples of 96 frames
/// (0.96 s). Incomplete frames and examples at the end are dropped (mel_features.frame has no padding).
/// </summary>
public sealed class VggishLogMel
{
    // torchvggish/vggish_params.py
    public const int SampleRate = 16000;
    public const int WindowLength = 400;   // round(16000 * STFT_WINDOW_LENGTH_SECONDS 0.025)
    public const int HopLength = 160;      // round(16000 * STFT_HOP_LENGTH_SECONDS 0.010)
    public const int FftLength = 512;      // 2 ** ceil(log2(400)), mel_features.log_mel_spectrogram
    public const int Bands = 64;           // NUM_MEL_BINS
    public const double MelMinHz = 125, MelMaxHz = 7500, LogOffset = 0.01;
    public const int ExampleFrames = 96;   // round(EXAMPLE_WINDOW_SECONDS 0.96 / 0.010); EXAMPLE_HOP_SECONDS is 0.96 too

    private readonly double[] _window = PeriodicHann(WindowLength);
    private readonly double[,] _mel = MelMatrix(FftLength / 2 + 1);
    private readonly RealFft _fft = new(FftLength);

    /// <summary>Examples [count][96 * 64] (frame-major), float32 as the port's torch.tensor(...).float().</summary>
    public IReadOnlyList<float[]> Examples(ReadOnlySpan<float> mono16k)
    {
        var logMel = LogMel(mono16k);
        int frames = logMel.Length / Bands;
        int count = frames < ExampleFrames ? 0 : 1 + (frames - ExampleFrames) / ExampleFrames;
        var examples = new float[count][];
        for (int e = 0; e < count; e++)
        {
            var x = new float[ExampleFrames * Bands];
            var src = logMel.AsSpan(e * ExampleFrames * Bands, ExampleFrames * Bands);
            for (int i = 0; i < x.Length; i++) x[i] = (float)src[i];
            examples[e] = x;
        }
        return examples;
    }

    /// <summary>log(mel + 0.01) for every complete frame, [frames * 64] row-major (mel_features.log_mel_spectrogram).</summary>
    public double[] LogMel(ReadOnlySpan<float> mono16k)
    {
        int frames = mono16k.Length < WindowLength ? 0 : 1 + (mono16k.Length - WindowLength) / HopLength;
        int bins = FftLength / 2 + 1;
        var result = new double[frames * Bands];
        var input = new double[FftLength];
        var spectrum = new Complex[bins];
        var scratch = new Complex[_fft.ScratchLength];
        var magnitude = new double[bins];
        for (int f = 0; f < frames; f++)
        {
            var frame = mono16k.Slice(f * HopLength, WindowLength);
            for (int i = 0; i < WindowLength; i++) input[i] = frame[i] * _window[i];
            Array.Clear(input, WindowLength, FftLength - WindowLength); // np.fft.rfft(x, 512) zero-pads
            _fft.Forward(input, spectrum, scratch);
            for (int k = 0; k < bins; k++) magnitude[k] = spectrum[k].Magnitude;
            for (int b = 0; b < Bands; b++)
            {
                double s = 0;
                for (int k = 0; k < bins; k++) s += magnitude[k] * _mel[k, b];
                result[f * Bands + b] = Math.Log(s + LogOffset);
            }
        }
        return result;
    }

    /// <summary>mel_features.periodic_hann: 0.5 - 0.5 cos(2πn/N).</summary>
    private static double[] PeriodicHann(int n)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.Cos(2 * Math.PI / n * i);
        return w;
    }

    /// <summary>mel_features.hertz_to_mel: 1127 ln(1 + f / 700) (HTK).</summary>
    private static double HertzToMel(double hz) => 1127.0 * Math.Log(1.0 + hz / 700.0);

    /// <summary>mel_features.spectrogram_to_mel_matrix [bins, 64]: triangles on the HTK mel scale, DC row zeroed.</summary>
    private static double[,] MelMatrix(int bins)
    {
        double nyquist = SampleRate / 2.0;
        var binMel = new double[bins];
        for (int k = 0; k < bins; k++) binMel[k] = HertzToMel(nyquist * k / (bins - 1)); // np.linspace(0, nyquist, bins)
        double lo = HertzToMel(MelMinHz), hi = HertzToMel(MelMaxHz);
        var edges = new double[Bands + 2];
        for (int i = 0; i < edges.Length; i++) edges[i] = lo + (hi - lo) * i / (Bands + 1); // np.linspace(lo, hi, 66)
        edges[^1] = hi;
        var m = new double[bins, Bands];
        for (int b = 0; b < Bands; b++)
        {
            double lower = edges[b], center = edges[b + 1], upper = edges[b + 2];
            for (int k = 1; k < bins; k++)
            {
                double up = (binMel[k] - lower) / (center - lower), down = (upper - binMel[k]) / (upper - center);
                m[k, b] = Math.Max(0.0, Math.Min(up, down));
            }
        }
        return m;
    }
}
