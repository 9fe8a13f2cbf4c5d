using LatentAudio.Metrics.P862;

namespace LatentAudio.Metrics;

/// <summary>A PESQ result: the raw P.862 score and the MOS-LQO of the chosen mode's mapping.</summary>
public readonly record struct PesqScore(PesqMode Mode, double Raw, double MosLqo);

/// <summary>
/// PESQ (ITU-T P.862 narrow band with the P.862.1 mapping, P.862.2 wide band), written from the recommendations
/// and checked against the ITU reference implementation as wrapped by python-pesq.
/// </summary>
public static class Pesq
{
    /// <summary>MOS-LQO of <paramref name="degraded"/> against <paramref name="reference"/> (what python-pesq returns).</summary>
    public static double Compute(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int sampleRate, PesqMode mode) =>
        ComputeScore(reference, degraded, sampleRate, mode).MosLqo;

    /// <summary>Raw score and MOS-LQO.</summary>
    /// <exception cref="InvalidInputException">Rate not 8/16 kHz (16 kHz only for wide band), a signal shorter than
    /// 1/4 s, a silent signal or no utterance found in the reference.</exception>
    public static PesqScore ComputeScore(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int sampleRate, PesqMode mode) =>
        new PesqEvaluator().Score(reference, degraded, sampleRate, mode);
}

/// <summary>
/// Computes PESQ and keeps its FFT plans (the level-alignment transform of an 8 s file has 262144 points) for the
/// next call. One instance per thread; <see cref="Pesq"/> makes a fresh one per call.
/// </summary>
public sealed class PesqEvaluator
{
    private readonly PesqFft _fft = new();
    // The level alignment of the last pair (its 350–3250 Hz band powers; two 2^18-point transforms for 8 s at 16 kHz,
    // a third of a wide-band score). It depends only on the samples, their joint peak and the rate, not on the mode,
    // so scoring one pair in both modes (the metrics table does) measures it once. Kept with copies of the inputs and
    // reused only for bit-identical ones.
    private float[]? _levelReference, _levelDegraded;
    private double _levelPeak;
    private int _levelRate;
    private (double Reference, double Degraded) _levelPowers;

    /// <inheritdoc cref="Pesq.ComputeScore"/>
    public PesqScore Score(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded, int sampleRate, PesqMode mode)
    {
        if (mode == PesqMode.WideBand && sampleRate != 16000)
            throw new InvalidInputException($"PESQ wide band needs a 16000 Hz signal, got {sampleRate} Hz (resample first)");
        if (sampleRate != 8000 && sampleRate != 16000)
            throw new InvalidInputException($"PESQ narrow band needs 8000 or 16000 Hz, got {sampleRate} Hz (resample first)");
        if (reference.Length < sampleRate / 4 || degraded.Length < sampleRate / 4)
            throw new InvalidInputException(
                $"PESQ needs at least 1/4 s of audio ({sampleRate / 4} samples); got reference {reference.Length}, degraded {degraded.Length}");

        // python-pesq divides both signals by their joint peak before handing them to the model.
        double peak = Math.Max(PeakOf(reference, "reference"), PeakOf(degraded, "degraded"));
        if (peak == 0) throw new InvalidInputException("PESQ: both signals are silent, no utterance to measure");

        var rate = PesqRateProfile.For(sampleRate);
        var fft = _fft;
        var refSignal = new PesqSignal(reference, peak, rate);
        var degSignal = new PesqSignal(degraded, peak, rate);
        int maxLength = Math.Max(refSignal.Length, degSignal.Length);

        // Level alignment (P.862 §10.1.1).
        var (refPower, degPower) = BandPowers(reference, degraded, peak, sampleRate, refSignal, degSignal, rate);
        if ((float)refPower <= 0f) throw new InvalidInputException("PESQ: the reference has no energy in 350–3250 Hz, no utterance to measure");
        if ((float)degPower <= 0f) throw new InvalidInputException("PESQ: the degraded signal has no energy in 350–3250 Hz");
        LevelAlignment.Apply(refSignal, refPower);
        LevelAlignment.Apply(degSignal, degPower);

        // Listening-condition filter (IRS for NB, P.862.2 high-pass for WB); the model sees these signals.
        InputFilters.ApplyListeningFilter(refSignal, degSignal, mode, rate, fft);

        // Time alignment runs on copies with DC removal and the alignment filter (P.862 §10.3).
        var refAlign = refSignal.Clone();
        var degAlign = degSignal.Clone();
        InputFilters.ApplyAlignmentFilter(refAlign, degAlign, rate);
        var refVad = new VoiceActivity(refAlign, rate.Downsample);
        var degVad = new VoiceActivity(degAlign, rate.Downsample);
        var plan = UtteranceLocator.Locate(refAlign, degAlign, refVad, degVad, rate, fft);
        if (plan.Count < 1) throw new InvalidInputException("PESQ: no utterance found in the reference (speech too short or silent)");

        int total = maxLength + rate.DataPadding;
        refSignal.PadTo(total);
        degSignal.PadTo(total);
        float raw = new PerceptualModel(rate, fft).RawScore(refSignal, degSignal, plan);
        if (!float.IsFinite(raw)) throw new InvalidInputException("PESQ: the signals gave no finite score");
        float mos = mode == PesqMode.NarrowBand ? MosMapping.NarrowBand(raw) : MosMapping.WideBand(raw);
        return new PesqScore(mode, raw, mos);
    }

    private (double Reference, double Degraded) BandPowers(ReadOnlySpan<float> reference, ReadOnlySpan<float> degraded,
        double peak, int sampleRate, PesqSignal refSignal, PesqSignal degSignal, PesqRateProfile rate)
    {
        if (_levelReference is not null && _levelDegraded is not null && _levelPeak == peak && _levelRate == sampleRate
            && BitEqual(reference, _levelReference) && BitEqual(degraded, _levelDegraded))
            return _levelPowers;
        var powers = LevelAlignment.BandPowers(refSignal, degSignal, rate, _fft);
        (_levelReference, _levelDegraded, _levelPeak, _levelRate, _levelPowers) = (reference.ToArray(), degraded.ToArray(), peak, sampleRate, powers);
        return powers;
    }

    private static bool BitEqual(ReadOnlySpan<float> a, float[] b) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(a).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(b.AsSpan()));

    private static double PeakOf(ReadOnlySpan<float> x, string name)
    {
        double peak = 0;
        foreach (float v in x)
        {
            if (!float.IsFinite(v)) throw new InvalidInputException($"PESQ: the {name} signal contains NaN or infinity");
            double a = Math.Abs((double)v);
            if (a > peak) peak = a;
        }
        return peak;
    }
}
