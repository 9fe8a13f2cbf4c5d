using LatentAudio.Audio;
using LatentAudio.Metrics;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Reconstruction;

namespace LatentAudio.Models.Bench;

/// <summary>One stage of reconstruct's own timing (its metrics.json stage seconds), per timed run.</summary>
/// <param name="Calls">How many network calls a run makes in this stage (the default reconstruct vocodes twice:
/// the oracle and the VAE output), so <see cref="MedianPerCall"/> compares with one benchmark call.</param>
/// <param name="CpuSeconds">Process CPU seconds (all threads) inside the stage's network calls, per run: on a shared,
/// oversubscribed machine a better basis for comparing with the benchmark than the wall time.</param>
public sealed record PathStageTiming(string Name, double[] Seconds, double[] CpuSeconds, int Calls)
{
    public double Median
    {
        get
        {
            var s = Seconds.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
        }
    }

    public double MedianPerCall => Median / Calls;
    /// <summary>The fastest run per call: beside the networks' fastest run, the comparison least moved by a changing load.</summary>
    public double MinPerCall => Seconds.Min() / Calls;
    public double MedianCpuPerCall => CpuSeconds.Order().ElementAt(CpuSeconds.Length / 2) / Calls;
}

/// <summary>reconstruct's stages on one input, timed through <see cref="Reconstructor"/> itself.</summary>
public sealed record ReconstructPathResult(double AudioSeconds, PathStageTiming Encode, PathStageTiming Decode, PathStageTiming Vocoder);

/// <summary>
/// Times the code path <c>reconstruct</c> runs (a <see cref="Reconstructor"/> with the default settings over an
/// already loaded <see cref="AudioLdmModel"/>, outputs discarded, no metrics) on a 10.24 s signal: one warm-up run,
/// then <c>runs</c> timed runs, each stage read from the report's own stage seconds (what metrics.json records).
/// </summary>
public static class ReconstructPathBenchmark
{
    public const double InputSeconds = 10.24;

    public static ReconstructPathResult Run(AudioLdmModel model, int runs, Action<string>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var settings = new ReconstructSettings();
        // The model's own networks, wrapped only to add up process CPU time per stage beside reconstruct's wall time.
        var cpu = new CpuClock();
        var vocoder = model.RequireVocoder();
        using var counted = new AudioLdmModel(new CpuTimedVae(model.Vae, cpu), new CpuTimedVocoder(vocoder, cpu), model.MelConfig,
            model.Identity, owner: new NoOwner());
        var reconstructor = new Reconstructor(counted, settings, NoMetrics);
        var source = AudioSource.Memory(Signal(model.SampleRate), "benchmark signal");
        var stages = new Dictionary<string, double[]> { ["vae_encode"] = new double[runs], ["vae_decode"] = new double[runs], ["vocoder"] = new double[runs] };
        var cpuStages = stages.Keys.ToDictionary(k => k, _ => new double[runs]);
        reconstructor.Run(source, new DiscardSink());
        for (int i = 0; i < runs; i++)
        {
            cpu.Reset();
            var report = reconstructor.Run(source, new DiscardSink());
            var seconds = report.StageSeconds.ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var (name, values) in stages) values[i] = seconds.GetValueOrDefault(name);
            foreach (var (name, values) in cpuStages) values[i] = cpu.Seconds(name);
            progress?.Invoke($"reconstruct path run {i + 1}: " + string.Join(", ", stages.Select(kv => $"{kv.Key} {kv.Value[i]:0.000} s")));
        }
        // The default decoder renders two HiFi-GAN outputs (oracle_vocoder and vae_vocoder), one call each on 10.24 s.
        int vocodings = reconstructor.OutputNames().Count(n => n is OutputNames.VaeVocoder or OutputNames.OracleVocoder);
        return new ReconstructPathResult(InputSeconds,
            new PathStageTiming("vae_encode", stages["vae_encode"], cpuStages["vae_encode"], 1),
            new PathStageTiming("vae_decode", stages["vae_decode"], cpuStages["vae_decode"], 1),
            new PathStageTiming("vocoder", stages["vocoder"], cpuStages["vocoder"], Math.Max(1, vocodings)));
    }

    private static readonly PairMetrics NoMetrics = (_, _, _) => new Dictionary<string, MetricOutcome>();

    /// <summary>A seeded tone-plus-noise signal at about -12 dBFS; the values do not change the speed.</summary>
    private static AudioBuffer Signal(int sampleRate)
    {
        var rng = new Random(1);
        var x = new float[(int)Math.Round(InputSeconds * sampleRate)];
        for (int i = 0; i < x.Length; i++)
        {
            double t = (double)i / sampleRate;
            x[i] = (float)(0.15 * Math.Sin(2 * Math.PI * 220 * t) + 0.1 * Math.Sin(2 * Math.PI * 1375 * t) + 0.05 * (rng.NextDouble() * 2 - 1));
        }
        return AudioBuffer.Mono(x, sampleRate);
    }

    /// <summary>Process CPU seconds per stage name, summed over calls.</summary>
    private sealed class CpuClock
    {
        private readonly Dictionary<string, double> _seconds = new();
        private readonly System.Diagnostics.Process _process = System.Diagnostics.Process.GetCurrentProcess();

        public void Reset() => _seconds.Clear();
        public double Seconds(string stage) => _seconds.GetValueOrDefault(stage);

        public T Time<T>(string stage, Func<T> work)
        {
            _process.Refresh();
            var start = _process.TotalProcessorTime;
            try { return work(); }
            finally
            {
                _process.Refresh();
                _seconds[stage] = Seconds(stage) + (_process.TotalProcessorTime - start).TotalSeconds;
            }
        }
    }

    private sealed class CpuTimedVae(ILatentAutoencoder vae, CpuClock clock) : ILatentAutoencoder
    {
        public int LatentChannels => vae.LatentChannels;
        public int Downsample => vae.Downsample;
        public (Tensors.Tensor Mean, Tensors.Tensor LogVar) Encode(Tensors.Tensor mel) => clock.Time("vae_encode", () => vae.Encode(mel));
        public Tensors.Tensor Decode(Tensors.Tensor latent) => clock.Time("vae_decode", () => vae.Decode(latent));
        public void Dispose() { }
    }

    private sealed class CpuTimedVocoder(IVocoder vocoder, CpuClock clock) : IVocoder
    {
        public int SampleRate => vocoder.SampleRate;
        public Tensors.Tensor Vocode(Tensors.Tensor mel) => clock.Time("vocoder", () => vocoder.Vocode(mel));
        public void Dispose() { }
    }

    /// <summary>The wrapping model owns nothing: the caller's model keeps its networks.</summary>
    private sealed class NoOwner : IDisposable
    {
        public void Dispose() { }
    }

    private sealed class DiscardSink : IReconstructionSink
    {
        public IAudioSink Open(string output, int channels, int sampleRate, long frames) => new Null();

        private sealed class Null : IAudioSink
        {
            public void Write(IReadOnlyList<float[]> planar, int offset, int count) { }
            public void Complete() { }
            public void Dispose() { }
        }
    }
}
