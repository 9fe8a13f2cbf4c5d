using System.Diagnostics;
using System.Globalization;
using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Opus;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Reconstruction;

namespace LatentAudio.Study;

/// <summary>
/// The compressed outputs of one item for one model, as <see cref="RateDistortionSweep"/> makes them: the input
/// mixed to mono at the model's rate is the reference; the latent codec at each fixed quantiser step (a real file in
/// memory, decoded back through the vocoder) and Opus at each bitrate (at the model's rate where Opus codes it, 16 or
/// 48 kHz, else at 48 kHz and brought back) are scored against it at the model's rate, each with its measured bitrate
/// (every byte of the file per second of input).
/// </summary>
public sealed class CodecRoundTrips(AudioLdmModel model, EvaluationSettings settings, PairMetrics metrics)
{
    public static string CodecOutput(double step) => "codec_step_" + step.ToString("R", CultureInfo.InvariantCulture);
    public static string OpusOutput(int kbps) => "opus_" + kbps.ToString(CultureInfo.InvariantCulture) + "kbps";

    public static IEnumerable<string> OutputNames(EvaluationSettings settings) =>
        settings.CodecSteps.Select(CodecOutput).Concat(settings.OpusKbps.Select(OpusOutput));

    /// <param name="decoded">Given each output's decoded audio (mono, at the rate it was scored at), when not null.</param>
    public IReadOnlyList<CodecPoint> Run(AudioSource source, Action<string, AudioBuffer>? decoded = null)
    {
        var points = new List<CodecPoint>();
        int rate = model.SampleRate;
        AudioBuffer original;
        using (var reader = source.Open()) original = AudioFile.ReadAll(reader, source.Name);
        original.EnsureFinite(source.Name);
        var mono = original.ToMono(ChannelMode.Mix).Resample(rate);
        var reference = mono.Channel(0);
        if (settings.CodecSteps.Count > 0)
        {
            var vocoder = model.RequireVocoder();
            var codec = new LatentCodec(model.Vae, model.Identity, model.FrontEnd);
            foreach (var step in settings.CodecSteps)
            {
                var clock = Stopwatch.StartNew();
                using var ms = new MemoryStream();
                var report = codec.Encode(mono, ms, new LatentCodecOptions(QuantiserSettings.FixedStep(step), ChannelMode.Mix), source.Name);
                ms.Position = 0;
                var audio = Fit(codec.DecodeAudio(ms, source.Name, mel => vocoder.Vocode(mel.Reshape(1, mel.Shape[0], mel.Shape[1])).Data).Channel(0), reference.Length);
                var m = metrics(reference, audio, rate);
                decoded?.Invoke(CodecOutput(step), new AudioBuffer([audio], rate));
                points.Add(new CodecPoint(CodecOutput(step), report.ActualKbps, m, clock.Elapsed.TotalSeconds));
            }
        }
        if (settings.OpusKbps.Count > 0)
        {
            int opusRate = OpusBaseline.RateFor(rate);
            var opusInput = opusRate == rate ? reference : mono.Resample(opusRate).Channel(0);
            foreach (var kbps in settings.OpusKbps)
            {
                var clock = Stopwatch.StartNew();
                var enc = OpusBaseline.Encode(opusInput, kbps, opusRate);
                var (opusDecoded, _) = OpusBaseline.DecodeConcealing(enc.File, source.Name);
                var audio = Fit(opusRate == rate ? opusDecoded : AudioBuffer.Mono(opusDecoded, opusRate).Resample(rate).Channel(0), reference.Length);
                var m = metrics(reference, audio, rate);
                decoded?.Invoke(OpusOutput(kbps), new AudioBuffer([audio], rate));
                points.Add(new CodecPoint(OpusOutput(kbps), enc.MeasuredKbps, m, clock.Elapsed.TotalSeconds));
            }
        }
        return points;
    }

    /// <summary>The decoded signal cut or zero-padded to the reference's length.</summary>
    private static float[] Fit(float[] x, int length)
    {
        if (x.Length == length) return x;
        var y = new float[length];
        x.AsSpan(0, Math.Min(x.Length, length)).CopyTo(y);
        return y;
    }
}
