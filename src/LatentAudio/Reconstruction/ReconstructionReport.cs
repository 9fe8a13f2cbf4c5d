using LatentAudio.Models;

namespace LatentAudio.Reconstruction;

/// <summary>Computes named quality metrics of a degraded signal against its reference at one sample rate: each a
/// finite value or the reason there is none.</summary>
public delegate IReadOnlyDictionary<string, Metrics.MetricOutcome> PairMetrics(float[] reference, float[] degraded, int sampleRate);


/// <summary>One written file and its metrics against the input (duration-weighted means over segments and channels,
/// with their coverage).</summary>
public sealed record OutputEntry(string Name, string FileName, string Description, IReadOnlyDictionary<string, Metrics.MetricOutcome> Metrics);

/// <summary>Everything a reconstruction of one input measured: the content of metrics.json and both reports.</summary>
public sealed record ReconstructionReport
{
    /// <summary>The input's name: its path for a file.</summary>
    public required string InputPath { get; init; }
    public required ModelDescription Model { get; init; }
    public required Dsp.MelConfig MelConfig { get; init; }
    public required ReconstructSettings Settings { get; init; }
    public required int InputSampleRate { get; init; }
    public required int ModelSampleRate { get; init; }
    public required int OutputSampleRate { get; init; }
    public required int Channels { get; init; }
    public required long ModelRateSamples { get; init; }
    public required int Windows { get; init; }
    public required double VaeMelMae { get; init; }
    public required double VaeMelMax { get; init; }
    public required IReadOnlyList<OutputEntry> Outputs { get; init; }
    public required IReadOnlyList<KeyValuePair<string, double>> StageSeconds { get; init; }
    public required string Version { get; init; }
    /// <summary>Model-rate mels of channel 0 for the report's images: name -> [T, nMels].</summary>
    public IReadOnlyDictionary<string, Tensors.Tensor> Mels { get; init; } = new Dictionary<string, Tensors.Tensor>();
    /// <summary>Channel-0 audio at the model rate and the outputs' gain, for the report's players.</summary>
    public IReadOnlyDictionary<string, Audio.AudioBuffer> Previews { get; init; } = new Dictionary<string, Audio.AudioBuffer>();
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Where the level-dependent figures (<see cref="Metrics.MetricInfo.LevelDependent"/>: loudness) were
    /// measured: on the files as written (gain restored) or in the model's domain (<c>--gain model</c>).</summary>
    public Metrics.LevelDomain LevelDomain { get; init; } = Metrics.LevelDomain.File;

    public double DurationSeconds => (double)ModelRateSamples / ModelSampleRate;
    public double TotalSeconds => StageSeconds.Sum(kv => kv.Value);
    /// <summary>Processing time over audio duration: below 1 is faster than real time.</summary>
    public double RealTimeFactor => DurationSeconds > 0 ? TotalSeconds / DurationSeconds : 0;
}
