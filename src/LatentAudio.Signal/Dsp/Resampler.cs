using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace LatentAudio.Dsp;

/// <summary>
/// Band-limited rational-ratio resampler with the design of torchaudio.functional.resample's default
/// ("sinc_interp_hann", lowpass_filter_width 6, rolloff 0.99; torchaudio/functional/functional.py
/// `_get_sinc_resample_kernel` / `_apply_sinc_resample_kernel`), which is what AudioLDM2 resamples with.
/// Zero delay, output length ceil(N * new / orig). The kernel is built in float32 exactly as torchaudio builds it for
/// float32 audio (see <see cref="Tap"/>); the convolution sums in float64 (torchaudio's float32 conv1d differs from
/// that by its own rounding, &lt;= 2e-7 on the golden data). See docs/frontend-resampling.md.
/// </summary>
public sealed class Resampler
{
    /// <summary>torchaudio defaults.</summary>
    public const int DefaultLowpassFilterWidth = 6;
    public const double DefaultRolloff = 0.99;

    private readonly int _orig, _new, _width;
    private readonly int[] _tapOffset;     // per output phase: first kernel tap inside the sinc's support
    private readonly double[][] _kernels;  // per output phase: the taps inside the support (outside it the window is 0)

    public Resampler(int fromRate, int toRate, int lowpassFilterWidth = DefaultLowpassFilterWidth, double rolloff = DefaultRolloff)
    {
        if (fromRate <= 0 || toRate <= 0) throw new InvalidInputException($"invalid resampling rates {fromRate} -> {toRate}");
        if (lowpassFilterWidth <= 0 || !(rolloff > 0 && rolloff <= 1)) throw new ArgumentException("invalid resampler design");
        FromRate = fromRate; ToRate = toRate;
        int g = Gcd(fromRate, toRate);
        _orig = fromRate / g; _new = toRate / g;
        if (_orig == _new) { _kernels = []; _tapOffset = []; return; }
        double baseFreq = Math.Min(_orig, _new) * rolloff;
        long kernelTaps = KernelTaps(_orig, _new, lowpassFilterWidth, baseFreq);
        if (kernelTaps > MaxKernelTaps)
            throw new InvalidInputException($"cannot resample {fromRate} Hz to {toRate} Hz: the filter would need {kernelTaps} taps (at most {MaxKernelTaps}); convert the file to a common rate first");
        _width = (int)Math.Ceiling((double)lowpassFilterWidth * _orig / baseFreq);
        int taps = 2 * _width + _orig;
        _kernels = new double[_new][];
        _tapOffset = new int[_new];
        double reach = lowpassFilterWidth / baseFreq;
        var k = new double[SupportPerPhase(_orig, lowpassFilterWidth, baseFreq) + 8];
        for (int phase = 0; phase < _new; phase++)
        {
            // Tap j is inside the window when |t| < width, i.e. j - _width in orig * (phase/new -+ width/baseFreq):
            // only that range (and two taps either side for the float32 rounding of t) is looked at, not all
            // 2 * _width + orig taps, so the design costs O(phases * support) even for odd rates such as 999,983 Hz.
            double centre = _width + _orig * ((double)phase / _new);
            int lo = (int)Math.Max(0, Math.Floor(centre - _orig * reach) - 2);
            int hi = (int)Math.Min(taps - 1, Math.Ceiling(centre + _orig * reach) + 2);
            int first = -1, last = -1;
            for (int j = lo; j <= hi; j++)
            {
                // torchaudio clamps t to [-width, width], where the Hann window cos^2(t pi / 2 width) is zero up to
                // float32 rounding (taps of ~1e-23); those taps are dropped, which is what makes this polyphase
                // filter short (about 2 * width * orig / baseFreq taps instead of 2 * _width + orig).
                float tap = Tap(phase, j, _orig, _new, _width, lowpassFilterWidth, baseFreq, out bool inside);
                if (!inside) continue;
                if (first < 0) first = j;
                k[j - first] = tap;
                last = j;
            }
            _tapOffset[phase] = Math.Max(first, 0);
            _kernels[phase] = first < 0 ? [] : k.AsSpan(0, last - first + 1).ToArray();
        }
    }

    /// <summary>
    /// Kernel tap <paramref name="j"/> (0 .. 2 * width + orig - 1) of output phase <paramref name="phase"/>, computed
    /// as torchaudio's <c>_get_sinc_resample_kernel</c> computes it for a float32 waveform: in float32 (the
    /// waveform's dtype), every Python scalar rounded to float32 before it is applied, in this order:
    /// <c>t = (-phase / new) + ((j - width) / orig)</c>; <c>t = clamp(t * base, -L, L)</c>;
    /// <c>w = cos(t * pi / L / 2) ** 2</c>; <c>t = t * pi</c>; <c>k = (t == 0 ? 1 : sin(t) / t) * (w * (base / orig))</c>.
    /// Building it in float64 instead moves taps by up to 1.5e-5 at 22.05 kHz (t loses precision in float32) and the
    /// output by up to 3.3e-6 (golden resample README). <paramref name="inside"/> is false for the clamped taps
    /// (|t| = L), which torchaudio keeps at ~1e-23 and this design drops.
    /// </summary>
    internal static float Tap(int phase, int j, int orig, int next, int width, int lowpassFilterWidth, double baseFreq, out bool inside)
    {
        float fl = lowpassFilterWidth;
        float t = (float)-phase / next + (float)(j - width) / orig;
        t *= (float)baseFreq;
        inside = t > -fl && t < fl;
        if (!inside) return 0f;
        float window = MathF.Cos(t * MathF.PI / fl / 2f);
        window *= window;
        t *= MathF.PI;
        float sinc = t == 0f ? 1f : MathF.Sin(t) / t;
        return sinc * (window * (float)(baseFreq / orig));
    }

    /// <summary>
    /// Cap on the taps a design holds (2^25 float64 = 256 MB). Every rate the audio readers accept resampled to or
    /// from 16 or 48 kHz needs less (1,535,999 Hz to 16 kHz: 16,000 phases of 1,165 taps, 18.6 M); a request above it
    /// is an input no one should wait for.
    /// </summary>
    public const long MaxKernelTaps = 1L << 25;

    /// <summary>Taps the design from <paramref name="fromRate"/> to <paramref name="toRate"/> holds at most.</summary>
    public static long KernelTaps(int fromRate, int toRate)
    {
        if (fromRate <= 0 || toRate <= 0) throw new InvalidInputException($"invalid resampling rates {fromRate} -> {toRate}");
        int g = Gcd(fromRate, toRate);
        int orig = fromRate / g, next = toRate / g;
        return orig == next ? 0 : KernelTaps(orig, next, DefaultLowpassFilterWidth, Math.Min(orig, next) * DefaultRolloff);
    }

    private static long KernelTaps(int orig, int next, int lowpassFilterWidth, double baseFreq) =>
        (long)next * SupportPerPhase(orig, lowpassFilterWidth, baseFreq);

    // Integers j with |j - c| < orig * width / baseFreq: at most ceil(2 * orig * width / baseFreq) + 1 of them.
    private static long SupportPerPhase(int orig, int lowpassFilterWidth, double baseFreq) =>
        (long)Math.Ceiling(2.0 * orig * lowpassFilterWidth / baseFreq) + 1;

    public int FromRate { get; }
    public int ToRate { get; }

    /// <summary>Output length torchaudio gives for <paramref name="inputLength"/> samples.</summary>
    public long OutputLength(long inputLength) => _orig == _new ? inputLength : CeilDiv(inputLength * _new, _orig);

    /// <summary>Resamples one channel. Output sample o sits at input time o * from / to (zero delay).</summary>
    public float[] Process(ReadOnlySpan<float> input)
    {
        if (_orig == _new) return input.ToArray();
        long outLen = OutputLength(input.Length);
        var output = new float[outLen];
        var x = new double[input.Length];
        for (int i = 0; i < x.Length; i++) x[i] = input[i];
        for (long o = 0; o < outLen; o++) output[o] = OutputSample(o, x, 0, x.Length);
        return output;
    }

    /// <summary>The design, for tests: phase p's taps start at input block * orig - width + TapOffset(p).</summary>
    internal (int Width, int TapOffset, double[] Kernel) Phase(int phase) => (_width, _tapOffset[phase], _kernels[phase]);

    /// <summary>True when the rates are equal and samples pass through unchanged.</summary>
    internal bool IsIdentity => _orig == _new;

    /// <summary>The first input sample output <paramref name="o"/> reads (may be negative: zero padding).</summary>
    internal long FirstInput(long o)
    {
        long block = o / _new;
        int phase = (int)(o - block * _new);
        return block * _orig - _width + _tapOffset[phase];
    }

    /// <summary>One past the last input sample output <paramref name="o"/> reads.</summary>
    internal long EndInput(long o) => FirstInput(o) + _kernels[(int)(o % _new)].Length;

    /// <summary>
    /// Output sample <paramref name="o"/> from the input held in <paramref name="x"/>, whose element 0 is input
    /// sample <paramref name="xStart"/>, of an input <paramref name="totalInput"/> samples long. The whole-signal and
    /// the streaming paths both come here, so they agree sample for sample.
    /// </summary>
    internal float OutputSample(long o, ReadOnlySpan<double> x, long xStart, long totalInput)
    {
        long block = o / _new;
        int phase = (int)(o - block * _new);
        var k = _kernels[phase];
        // Kernel tap j reads input[block * orig - _width + j]; torchaudio zero-pads outside the input.
        long start = block * _orig - _width + _tapOffset[phase];
        long lo = Math.Max(0, start), hi = Math.Min(totalInput, start + k.Length);
        if (hi <= lo) return 0f;
        return (float)TensorPrimitives.Dot(x.Slice((int)(lo - xStart), (int)(hi - lo)), k.AsSpan((int)(lo - start), (int)(hi - lo)));
    }

    public static float[] Resample(ReadOnlySpan<float> input, int fromRate, int toRate) =>
        fromRate == toRate ? input.ToArray() : new Resampler(fromRate, toRate).Process(input);


    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
