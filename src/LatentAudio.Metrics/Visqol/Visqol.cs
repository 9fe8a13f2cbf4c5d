using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Metrics.VisqolInternals;

namespace LatentAudio.Metrics;

/// <summary>
/// ViSQOL v3 (Hines et al. 2015, "ViSQOL: an objective speech quality model"; Chinen et al. 2020, "ViSQOL v3: an open
/// source production ready objective speech and audio metric"), written from the papers and the behaviour pinned down
/// by google/visqol's conformance tests (v3.3.3, conformance 333). Audio mode with the SVR mapping and speech mode with
/// the exponential mapping; the TensorFlow Lite lattice mapping of speech mode is not implemented.
/// </summary>
public static class Visqol
{
    /// <summary>Audio mode's rate (google/visqol `visqol_manager.cc` k48kSampleRate).</summary>
    public const int AudioModeSampleRate = 48000;
    private const double MinimumFrequency = 50;   // Hz, both modes (visqol_manager.cc kMinimumFreq)
    private const double SpeechMaxFrequency = 8000; // gammatone_spectrogram_builder.cc kSpeechModeMaxFreq
    private const int AudioBands = 32, SpeechBands = 21;
    private const int AudioPatchFrames = 30, SpeechPatchFrames = 20;
    private const double SplReference = 0.00002; // 20 µPa (misc_audio.cc)

    private static readonly Lazy<SvrModel> DefaultModel = new(SvrModel.LoadDefault);

    public static VisqolResult Compute(AudioBuffer reference, AudioBuffer degraded, VisqolMode mode) =>
        Compute(reference, degraded, mode, VisqolOptions.Default);

    public static VisqolResult Compute(AudioBuffer reference, AudioBuffer degraded, VisqolMode mode, VisqolOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(degraded);
        ArgumentNullException.ThrowIfNull(options);
        if (options.SearchWindowRadius < 1) throw new InvalidInputException($"ViSQOL search window radius must be >= 1 (got {options.SearchWindowRadius})");
        var notes = new List<string>();
        if (reference.ChannelCount > 1 || degraded.ChannelCount > 1) notes.Add("channels averaged to mono");

        var refMono = reference.ToMono(ChannelMode.Mix);
        var degMono = degraded.ToMono(ChannelMode.Mix);
        int rate;
        if (mode == VisqolMode.Audio)
        {
            rate = AudioModeSampleRate;
            foreach (var (buffer, what) in new[] { (refMono, "reference"), (degMono, "degraded") })
                if (buffer.SampleRate != rate) notes.Add($"{what} resampled from {buffer.SampleRate} Hz to 48 kHz for ViSQOL audio mode");
        }
        else
        {
            rate = refMono.SampleRate;
            if (degMono.SampleRate != rate) notes.Add($"degraded resampled from {degMono.SampleRate} Hz to the reference's {rate} Hz");
            if (rate != 16000) notes.Add($"speech mode is meant for 16 kHz; ran at {rate} Hz as the reference implementation does");
        }
        var refSignal = ToDouble(Resampler.Resample(refMono.Channel(0), refMono.SampleRate, rate));
        var degSignal = ToDouble(Resampler.Resample(degMono.Channel(0), degMono.SampleRate, rate));
        EnsureFinite(refSignal, "reference");
        EnsureFinite(degSignal, "degraded");

        return Run(refSignal, degSignal, rate, mode, options, notes);
    }

    internal static VisqolResult Run(double[] reference, double[] degraded, int rate, VisqolMode mode, VisqolOptions options, List<string> notes)
    {
        bool speech = mode == VisqolMode.Speech;
        int window = GammatoneSpectrogram.WindowSize(rate), hop = GammatoneSpectrogram.Hop(rate);
        if (reference.Length <= window || degraded.Length <= window)
            throw new InvalidInputException($"ViSQOL needs more than {GammatoneSpectrogram.WindowSeconds * 1000:0} ms of audio in both signals");
        if (!HasEnergy(reference)) throw new InvalidInputException("ViSQOL: the reference is silent");

        // Codec delay: shift the degraded signal by the envelope cross-correlation lag.
        var (aligned, lag) = SignalAlignment.GloballyAlign(reference, degraded);
        double lagSeconds = lag / (double)rate;
        if (lag != 0) notes.Add($"degraded aligned by {lagSeconds * 1000:0.###} ms");
        degraded = HasEnergy(aligned) ? ScaleToMatchLevel(reference, aligned) : aligned;

        var bank = new GammatoneFilterbank(rate, speech ? SpeechBands : AudioBands, MinimumFrequency,
            speech ? SpeechMaxFrequency : rate / 2.0);
        var refSpec = GammatoneSpectrogram.Build(reference, bank);
        var degSpec = GammatoneSpectrogram.Build(degraded, bank);
        // The band levels before the dB scaling below, which the patch realignment reuses for patches on the frame grid.
        var refLevels = refSpec.Copy();
        var degLevels = degSpec.Copy();
        BandSpectrogram.PrepareForComparison(refSpec, degSpec);

        int width = speech ? SpeechPatchFrames : AudioPatchFrames;
        var indices = speech
            ? ReferencePatches.VoiceActive(reference, refSpec.Frames, width, hop)
            : ReferencePatches.Regular(refSpec.Frames, width);
        if (indices.Count == 0) throw new InvalidInputException("ViSQOL: no voice activity found in the reference");

        double frameDuration = hop / (double)rate;
        var matches = new PatchSelector(degSpec, width).Select(indices, refSpec, frameDuration, options.SearchWindowRadius);
        matches = PatchRealigner.Realign(matches, reference, degraded, rate, bank, refLevels, degLevels);

        var fvnsim = new double[bank.Bands];
        foreach (var m in matches)
            for (int b = 0; b < fvnsim.Length; b++) fvnsim[b] += m.BandMeans[b];
        for (int b = 0; b < fvnsim.Length; b++) fvnsim[b] /= matches.Count;
        double vnsim = 0;
        foreach (var v in fvnsim) vnsim += v;
        vnsim /= fvnsim.Length;

        double mos;
        if (speech)
        {
            mos = QualityMapping.Speech(fvnsim, scaled: !options.UnscaledSpeechMapping);
            notes.Add(options.UnscaledSpeechMapping ? "exponential speech mapping, unscaled" : "exponential speech mapping (NSIM 1.0 -> 5.0)");
        }
        else mos = QualityMapping.Audio(DefaultModel.Value, fvnsim);
        // Totally dissimilar signals get the floor rather than whatever the mapping says (Visqol::AlterForSimilarityExtremes).
        if (vnsim < 0.15) mos = 1;

        return new VisqolResult(mos, vnsim, fvnsim, bank.CenterFrequencies, mode, rate, lagSeconds, matches.Count, notes);
    }

    /// <summary>Scales the degraded signal to the reference's sound pressure level (RMS in dB re 20 µPa).</summary>
    private static double[] ScaleToMatchLevel(double[] reference, double[] degraded)
    {
        double scale = Math.Pow(10, (Spl(reference) - Spl(degraded)) / 20);
        var scaled = new double[degraded.Length];
        for (int i = 0; i < degraded.Length; i++) scaled[i] = degraded[i] * scale;
        return scaled;
    }

    private static double Spl(double[] x)
    {
        double sum = 0;
        foreach (var v in x) sum += Math.Pow(v, 2);
        return 20 * Math.Log10(Math.Sqrt(sum / x.Length) / SplReference);
    }

    private static bool HasEnergy(double[] x)
    {
        foreach (var v in x) if (v != 0) return true;
        return false;
    }

    private static double[] ToDouble(float[] x)
    {
        var d = new double[x.Length];
        for (int i = 0; i < x.Length; i++) d[i] = x[i];
        return d;
    }

    private static void EnsureFinite(double[] x, string what)
    {
        foreach (var v in x)
            if (!double.IsFinite(v)) throw new InvalidInputException($"ViSQOL: the {what} signal contains NaN or infinite samples");
    }
}
