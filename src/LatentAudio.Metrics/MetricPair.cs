using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Metrics.Spectral;
using LatentAudio.Metrics.Waveform;

namespace LatentAudio.Metrics;

/// <summary>
/// A reference and a degraded signal at one common rate and one length, plus the cache every metric of the pair
/// shares (spectrograms per STFT setting, loudness, the best lag, resampled copies). Mono metrics use the channel
/// mean; loudness uses every channel. Not thread-safe: score one pair on one thread.
/// </summary>
public sealed class MetricPair
{
    private readonly Dictionary<string, object> _cache = new();
    private readonly List<string> _notes;

    private MetricPair(AudioBuffer reference, AudioBuffer degraded, List<string> notes, int appliedLag, AudioBuffer loadedReference, AudioBuffer loadedDegraded)
    {
        LoadedReference = loadedReference;
        LoadedDegraded = loadedDegraded;
        ReferenceAudio = reference;
        DegradedAudio = degraded;
        Reference = reference.ToMono(ChannelMode.Mix).Channel(0);
        Degraded = degraded.ToMono(ChannelMode.Mix).Channel(0);
        _notes = notes;
        AppliedLag = appliedLag;
    }

    /// <summary>Mono reference (channel mean) at <see cref="SampleRate"/>; do not mutate.</summary>
    public float[] Reference { get; }
    /// <summary>Mono degraded signal, same rate and length as <see cref="Reference"/>; do not mutate.</summary>
    public float[] Degraded { get; }
    /// <summary>All channels of the reference (for loudness), same rate and length.</summary>
    public AudioBuffer ReferenceAudio { get; }
    public AudioBuffer DegradedAudio { get; }
    /// <summary>
    /// The reference as given to <see cref="Create"/>: its own rate, untrimmed, unaligned. For metrics whose standard
    /// prepares the pair itself: ViSQOL resamples to 48 kHz and aligns the whole degraded signal without trimming
    /// (google/visqol src/visqol_manager.cc Run: Alignment::GloballyAlign on the loaded signals), so a pair cut to
    /// 16 kHz or to the shorter length first is not ViSQOL's input.
    /// </summary>
    public AudioBuffer LoadedReference { get; }
    /// <summary>The degraded signal as given to <see cref="Create"/> (see <see cref="LoadedReference"/>).</summary>
    public AudioBuffer LoadedDegraded { get; }
    public int SampleRate => ReferenceAudio.SampleRate;
    public int Length => Reference.Length;
    /// <summary>Lag (samples) by which the degraded signal was shifted back before trimming; 0 unless aligned.</summary>
    public int AppliedLag { get; }
    /// <summary>What was done to make the pair comparable (resampling, downmix, alignment, trimming).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>
    /// Brings two signals to one rate (resampling any that is not at <see cref="MetricOptions.Rate"/>), optionally
    /// aligns them by the best lag, and trims both to the shorter length, as the reference tools do; every step
    /// taken is recorded in <see cref="Notes"/>.
    /// </summary>
    public static MetricPair Create(AudioBuffer reference, AudioBuffer degraded, MetricOptions? options = null)
    {
        options ??= MetricOptions.Default;
        var (loadedReference, loadedDegraded) = (reference, degraded);
        if (options.Rate <= 0) throw new InvalidInputException($"the common rate must be a positive sample rate (got {options.Rate})") { Remedy = Remedy.FixRate };
        var notes = new List<string>();
        if (reference.SampleRate != options.Rate || degraded.SampleRate != options.Rate)
        {
            if (reference.SampleRate != options.Rate)
                notes.Add($"reference resampled {reference.SampleRate} -> {options.Rate} Hz");
            if (degraded.SampleRate != options.Rate)
                notes.Add($"degraded resampled {degraded.SampleRate} -> {options.Rate} Hz");
            reference = reference.Resample(options.Rate);
            degraded = degraded.Resample(options.Rate);
        }
        if (reference.ChannelCount > 1 || degraded.ChannelCount > 1)
            notes.Add($"channels mixed to mono for all metrics but loudness (reference {reference.ChannelCount}, degraded {degraded.ChannelCount})");
        int lag = 0;
        if (options.Align)
        {
            var est = Alignment.BestLag(Mono(reference), Mono(degraded), MaxLagSamples(options.MaxLagMs, options.Rate), options.Rate);
            lag = est.Lag;
            notes.Add($"aligned: degraded shifted by {-lag} samples ({-lag * 1000.0 / options.Rate:0.###} ms) before scoring");
            if (lag > 0) degraded = degraded.Slice(lag, degraded.Length - lag);
            else if (lag < 0) reference = reference.Slice(-lag, reference.Length + lag);
        }
        if (reference.Length != degraded.Length)
        {
            int n = Math.Min(reference.Length, degraded.Length);
            notes.Add($"lengths differ (reference {reference.Length}, degraded {degraded.Length} samples at {options.Rate} Hz): both trimmed to the first {n}");
            reference = reference.Slice(0, n);
            degraded = degraded.Slice(0, n);
        }
        if (reference.Length == 0) throw new InvalidInputException("nothing to compare: one of the signals is empty");
        return new MetricPair(reference, degraded, notes, lag, loadedReference, loadedDegraded);
    }

    /// <summary>A pair from two mono signals at one rate (trimmed to the shorter, with a note).</summary>
    public static MetricPair FromMono(float[] reference, float[] degraded, int sampleRate) =>
        Create(AudioBuffer.Mono(reference, sampleRate), AudioBuffer.Mono(degraded, sampleRate), new MetricOptions(sampleRate));

    public static int MaxLagSamples(double maxLagMs, int rate) => (int)Math.Round(maxLagMs * rate / 1000.0);

    /// <summary>The value cached under <paramref name="key"/>, computed once per pair.</summary>
    public T Cached<T>(string key, Func<T> compute) where T : notnull
    {
        if (_cache.TryGetValue(key, out var v)) return (T)v;
        var value = compute();
        _cache[key] = value;
        return value;
    }

    /// <summary>|STFT| of the reference for a setting, computed once per pair and setting (together with the
    /// degraded one: both come out of one packed FFT per frame).</summary>
    public Spectrogram ReferenceMagnitude(StftConfig config) => Magnitudes(config).Reference;
    public Spectrogram DegradedMagnitude(StftConfig config) => Magnitudes(config).Degraded;

    public (Spectrogram Reference, Spectrogram Degraded) Magnitudes(StftConfig config) =>
        Cached("mag:" + config, () => MagnitudePair(Reference, Degraded, config));

    /// <summary>|STFT| of two equally long signals with one packed FFT per frame.</summary>
    public static (Spectrogram Reference, Spectrogram Degraded) MagnitudePair(float[] a, float[] b, StftConfig config)
    {
        CheckLongEnough(a.Length, config);
        var (ma, mb) = new Stft(config).MagnitudePair(a, b, out int frames);
        return (new Spectrogram(ma, frames, config.Bins), new Spectrogram(mb, frames, config.Bins));
    }

    /// <summary>Reflect padding needs more than half an FFT of signal; a shorter pair has no value for the metric.</summary>
    public static void CheckLongEnough(int length, StftConfig config)
    {
        if (config.Center && config.Pad == PadMode.Reflect && length <= config.NFft / 2)
            throw new MetricUnavailableException($"signal of {length} samples is shorter than half an FFT of {config.NFft}");
    }

    /// <summary>The pair resampled to <paramref name="rate"/> (itself when already there), cached.</summary>
    public MetricPair AtRate(int rate) =>
        rate == SampleRate ? this : Cached("rate:" + rate, () => new MetricPair(
            ReferenceAudio.Resample(rate), DegradedAudio.Resample(rate), [], AppliedLag, LoadedReference, LoadedDegraded));

    /// <summary>
    /// Throws <see cref="MetricUnavailableException"/> when the reference (with <paramref name="degradedToo"/>, either
    /// signal) is silent: a measure normalised by its spectrum or correlated with it has nothing to measure.
    /// Silent means every sample exactly zero, or an RMS below float32's resolution (2^-24, -144 dB) relative to the
    /// other signal's. Why that floor: the pair's spectrograms come out of one packed FFT per frame (reference real,
    /// degraded imaginary), which leaks about 1e-16 of one signal into the other, so the spectrum of digital silence
    /// beside a tone is rounding noise, and spectral convergence divided by it gave 5e15; a signal more than one
    /// float32 step below its partner holds nothing its samples resolve next to it, and above the floor the leakage is
    /// under 1e-8 of the signal. Waveform measures (SNR, SI-SDR) are exact sums and keep their own zero test.
    /// </summary>
    public void RequireAudible(bool degradedToo = false)
    {
        if (Silence(reference: true) is { } r) throw new MetricUnavailableException(r);
        if (degradedToo && Silence(reference: false) is { } d) throw new MetricUnavailableException(d);
    }

    private string? Silence(bool reference)
    {
        double own = Cached(reference ? "energy:ref" : "energy:deg", () => WaveformMeasures.Energy(reference ? Reference : Degraded));
        double other = Cached(reference ? "energy:deg" : "energy:ref", () => WaveformMeasures.Energy(reference ? Degraded : Reference));
        string what = reference ? "reference" : "degraded signal";
        const double Float32Resolution = 1.0 / (1 << 24);
        if (own == 0) return $"the {what} is digital silence";
        if (own < other * Float32Resolution * Float32Resolution)
            return $"the {what} is silent (more than 144 dB below the other signal, under float32 resolution)";
        return null;
    }

    /// <summary>Cross-correlation lag of the degraded signal against the reference, within +- 50 ms.</summary>
    public LagEstimate BestLag => Cached("best_lag", () => Alignment.BestLag(Reference, Degraded, MaxLagSamples(50, SampleRate), SampleRate));

    private static float[] Mono(AudioBuffer a) => a.ToMono(ChannelMode.Mix).Channel(0);
}
