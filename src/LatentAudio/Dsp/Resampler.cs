namespace LatentAudio.Dsp;

/// <summary>
/// Band-limited rational-ratio resampler with the design of torchaudio.functional.resample's default
/// ("sinc_interp_hann", lowpass_filter_width 6, rolloff 0.99; torchaudio/functional/functional.py
/// `_get_sinc_resample_kernel` / `_apply_sinc_resample_kernel`), which is what AudioLDM2 resamples with.
/// Zero delay, output length ceil(N * new / orig). Computed in float64.
/// </summary>
public sealed class Resampler
{
    /// <summary>torchaudio defaults.</summary>
    public const int DefaultLowpassFilterWidth = 6;
    public const double DefaultRolloff = 0.99;

    private readonly int _orig, _new, _width;
    private readonly double[][] _kernels; // [new phases][2*width + orig]

    public Resampler(int fromRate, int toRate, int lowpassFilterWidth = DefaultLowpassFilterWidth, double rolloff = DefaultRolloff)
    {
        if (fromRate <= 0 || toRate <= 0) throw new InvalidInputException($"invalid resampling rates {fromRate} -> {toRate}");
        FromRate = fromRate; ToRate = toRate;
        int g = Gcd(fromRate, toRate);
        _orig = fromRate / g; _new = toRate / g;
        if (_orig == _new) { _kernels = []; return; }
        double baseFreq = Math.Min(_orig, _new) * rolloff;
        _width = (int)Math.Ceiling(lowpassFilterWidth * _orig / baseFreq);
        int taps = 2 * _width + _orig;
        _kernels = new double[_new][];
        double scale = baseFreq / _orig;
        for (int phase = 0; phase < _new; phase++)
        {
            var k = new double[taps];
            for (int j = 0; j < taps; j++)
            {
                double t = (-(double)phase / _new + (double)(j - _width) / _orig) * baseFreq;
                t = Math.Clamp(t, -lowpassFilterWidth, lowpassFilterWidth);
                double window = Math.Cos(t * Math.PI / lowpassFilterWidth / 2);
                window *= window;
                t *= Math.PI;
                double sinc = t == 0 ? 1.0 : Math.Sin(t) / t;
                k[j] = sinc * window * scale;
            }
            _kernels[phase] = k;
        }
    }

    public int FromRate { get; }
    public int ToRate { get; }

    /// <summary>Output length torchaudio gives for <paramref name="inputLength"/> samples.</summary>
    public long OutputLength(long inputLength) => _orig == _new ? inputLength : CeilDiv(inputLength * _new, _orig);

    public float[] Process(ReadOnlySpan<float> input)
    {
        if (_orig == _new) return input.ToArray();
        long outLen = CeilDiv((long)input.Length * _new, _orig);
        var output = new float[outLen];
        int taps = 2 * _width + _orig;
        for (long block = 0; block * _new < outLen; block++)
        {
            long start = block * _orig - _width; // index into the unpadded input of the kernel's first tap
            for (int phase = 0; phase < _new; phase++)
            {
                long o = block * _new + phase;
                if (o >= outLen) break;
                var k = _kernels[phase];
                double acc = 0;
                int j0 = (int)Math.Max(0, -start), j1 = (int)Math.Min(taps, input.Length - start);
                for (int j = j0; j < j1; j++) acc += k[j] * input[(int)(start + j)];
                output[o] = (float)acc;
            }
        }
        return output;
    }

    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate) =>
        fromRate == toRate ? input.ToArray() : new Resampler(fromRate, toRate).Process(input);

    public static Audio.AudioBuffer Resample(Audio.AudioBuffer audio, int toRate)
    {
        if (audio.SampleRate == toRate) return audio;
        var r = new Resampler(audio.SampleRate, toRate);
        return new Audio.AudioBuffer(audio.Channels.Select(c => r.Process(c)).ToArray(), toRate);
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
