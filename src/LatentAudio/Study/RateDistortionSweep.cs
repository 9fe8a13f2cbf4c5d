using System.Globalization;
using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Opus;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Metrics;
using LatentAudio.Tensors;

namespace LatentAudio.Study;

/// <summary>Scores a degraded mono signal at <c>sampleRate</c> (the model's) against its reference: metric name → value or the reason there is none.</summary>
public delegate IReadOnlyDictionary<string, MetricOutcome> RdMetrics(float[] reference, float[] degraded, int sampleRate);

/// <summary>One point of a rate–distortion sweep: a codec at one setting on one input, its real bitrate and its metrics.</summary>
/// <param name="ActualKbps">Every byte of the coded file (or Opus packets with their length prefixes) per second of input.</param>
public sealed record RdPoint(string Input, string Codec, string Setting, double ActualKbps, double? EntropyKbps, double? ZstdKbps,
    IReadOnlyDictionary<string, MetricOutcome> Metrics)
{
    /// <summary>The point as a flat row (the fixed columns, then one entry per metric), as rd.csv and rd.json list it.</summary>
    public Dictionary<string, object> ToRow()
    {
        var row = new Dictionary<string, object> { ["input"] = Input, ["codec"] = Codec, ["setting"] = Setting, ["actual_kbps"] = ActualKbps };
        if (EntropyKbps is { } e) row["entropy_kbps"] = e;
        if (ZstdKbps is { } z) row["zstd_kbps"] = z;
        foreach (var (k, v) in Metrics) row[k] = v;
        return row;
    }
}

/// <summary>
/// The rate–distortion sweep of the latent codec against Opus on one input: the input is mixed to mono and resampled
/// to the model's rate (16 kHz for AudioLDM2, 48 kHz for audioldm_48k; Opus codes at that rate too, see
/// <see cref="OpusBaseline.RateFor"/>, and is brought back to it if it had to differ); the unquantised latent (the ceiling: the engine's round trip without
/// quantisation), the latent codec at every quantiser setting (encoded to a real file in memory and decoded back) and
/// Opus at its standard bitrates are each scored against that signal.
/// </summary>
public sealed class RateDistortionSweep(LatentCodec codec, Func<Tensor, float[]> vocode, IReadOnlyList<QuantiserSettings> settings, RdMetrics metrics)
{
    /// <summary>The unquantised latent as float32: the codec's values/s × 32 (102.4 kbps at 16 kHz, 204.8 kbps for audioldm_48k).</summary>
    public double ModelCeilingKbps => codec.ValuesPerSecondPerStream * 32 / 1000.0;

    /// <summary>The points of <paramref name="original"/>; <paramref name="progress"/> hears each latent point, <paramref name="warning"/> Opus
    /// concealment, <paramref name="work"/> every point scored ("point", i of N: the ceiling, the latent settings, the Opus rates).</summary>
    public IReadOnlyList<RdPoint> Run(AudioBuffer original, string name, Action<string>? progress = null, Action<string>? warning = null,
        IProgress<WorkProgress>? work = null)
    {
        int total = 1 + settings.Count + OpusBaseline.StandardKbps.Length;
        work?.Report(new WorkProgress("point", 0, total));
        original.EnsureFinite(name);
        int rate = codec.SampleRate;
        var mono = original.ToMono(ChannelMode.Mix).Resample(rate);
        var reference = mono.Channel(0);
        var points = new List<RdPoint>();

        var ceiling = codec.MelsToAudio(codec.UnquantisedMels(mono, ChannelMode.Mix, name), vocode).Channel(0);
        points.Add(new RdPoint(name, "latent-ceiling", "float32", ModelCeilingKbps, null, null, metrics(reference, ceiling, rate)));
        work?.Report(new WorkProgress("point", points.Count, total));
        foreach (var s in settings)
        {
            using var ms = new MemoryStream();
            var report = codec.Encode(mono, ms, new LatentCodecOptions(s, ChannelMode.Mix), name);
            ms.Position = 0;
            var decoded = codec.DecodeAudio(ms, name, vocode).Channel(0);
            string label = s.Mode == StepMode.TargetBitrate
                ? string.Create(CultureInfo.InvariantCulture, $"target {s.Value:0.###} kbps")
                : string.Create(CultureInfo.InvariantCulture, $"step {s.Value:0.#####}");
            points.Add(new RdPoint(name, "latent", label, report.ActualKbps, report.EntropyKbps, report.ZstdKbps, metrics(reference, decoded, rate)));
            progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"latent {label}: {report.ActualKbps:0.###} kbps actual"));
            work?.Report(new WorkProgress("point", points.Count, total));
        }
        int opusRate = OpusBaseline.RateFor(rate);
        var opusInput = opusRate == rate ? reference : mono.Resample(opusRate).Channel(0);
        foreach (var kbps in OpusBaseline.StandardKbps)
        {
            var enc = OpusBaseline.Encode(opusInput, kbps, opusRate);
            var (opusDecoded, concealed) = OpusBaseline.DecodeConcealing(enc.File, name);
            var decoded = opusRate == rate ? opusDecoded : FitTo(AudioBuffer.Mono(opusDecoded, opusRate).Resample(rate).Channel(0), reference.Length);
            if (concealed > 0)
                warning?.Invoke($"opus {kbps} kbps: {concealed} packet(s) the managed decoder rejects were concealed (Concentus bug)");
            points.Add(new RdPoint(name, "opus", $"{kbps} kbps CBR", enc.MeasuredKbps, null, null, metrics(reference, decoded, rate)));
            work?.Report(new WorkProgress("point", points.Count, total));
        }
        return points;
    }

    /// <summary>Cut or zero-padded to <paramref name="length"/> (a resampled signal may differ by a sample).</summary>
    private static float[] FitTo(float[] x, int length)
    {
        if (x.Length == length) return x;
        var y = new float[length];
        x.AsSpan(0, Math.Min(x.Length, length)).CopyTo(y);
        return y;
    }
}
