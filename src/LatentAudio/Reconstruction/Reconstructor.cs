using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Models;

namespace LatentAudio.Reconstruction;

/// <summary>
/// The whole chain for one input file: decode -> resample to the model rate -> channels -> normalise once over
/// the whole input -> windows through VAE and vocoder / Griffin-Lim -> gain -> files -> metrics -> report data.
/// </summary>
public sealed class Reconstructor
{
    private readonly ILatentAutoencoder _vae;
    private readonly IVocoder? _vocoder;
    private readonly AudioLdmFrontEnd _frontEnd;
    private readonly ModelDescription _model;
    private readonly ReconstructSettings _settings;
    private readonly PairMetrics _metrics;

    public Reconstructor(ILatentAutoencoder vae, IVocoder? vocoder, MelConfig melConfig, ModelDescription model,
        ReconstructSettings settings, PairMetrics metrics)
    {
        _vae = vae; _vocoder = vocoder; _frontEnd = new AudioLdmFrontEnd(melConfig);
        _model = model; _settings = settings; _metrics = metrics;
    }

    public MelConfig MelConfig => _frontEnd.Config;

    /// <summary>Reconstructs <paramref name="inputPath"/> into <paramref name="outputFolder"/> and returns what was measured.</summary>
    public ReconstructionReport Run(string inputPath, string outputFolder, bool overwrite, Action<string>? progress = null)
    {
        var timer = new StageTimer();
        var notes = new List<string>();
        var cfg = _frontEnd.Config;
        var original = timer.Time("decode", () => AudioFile.Read(inputPath, _settings.OffsetSeconds, _settings.Seconds));
        var atModelRate = timer.Time("resample", () => Resampler.Resample(original, cfg.SampleRate));
        if (original.SampleRate != cfg.SampleRate) notes.Add($"input resampled from {original.SampleRate} Hz to the model's {cfg.SampleRate} Hz");
        var channels = atModelRate.Split(_settings.Channels);
        if (atModelRate.ChannelCount > 1 && _settings.Channels != ChannelMode.Each)
            notes.Add($"{atModelRate.ChannelCount} channels reduced to one ({_settings.Channels.ToString().ToLowerInvariant()})");

        var reconstructor = new ChannelReconstructor(_vae, _vocoder, _frontEnd, _settings, timer);
        var perChannelOutputs = new List<IReadOnlyDictionary<string, float[]>>();
        var normalizedInputs = new List<NormalizedAudio>();
        var melError = new List<MelErrorAccumulator>();
        int windows = 0;
        for (int c = 0; c < channels.Count; c++)
        {
            progress?.Invoke($"channel {c + 1}/{channels.Count}");
            // Once over the whole input, never per window, so windows keep their relative level; for inputs up to
            // 10.24 s this is the reference's per-clip normalize_wav (AudioLDM2 audioldm2/utilities/audio/tools.py).
            var normalized = _frontEnd.Normalize(channels[c].Channel(0));
            normalizedInputs.Add(normalized);
            var result = reconstructor.Run(normalized.Samples);
            perChannelOutputs.Add(result.Outputs);
            melError.Add(result.VaeMelError);
            windows += result.Windows;
        }

        var names = perChannelOutputs[0].Keys.ToList();
        var metricsByOutput = timer.Time("metrics", () => names.ToDictionary(n => n, n => AverageMetrics(
            Enumerable.Range(0, channels.Count).Select(c => _metrics(normalizedInputs[c].Samples, perChannelOutputs[c][n], cfg.SampleRate)))));

        int outputRate = _settings.OutputRate == OutputRate.Input ? original.SampleRate : cfg.SampleRate;
        if (outputRate != cfg.SampleRate) notes.Add($"files resampled back to {outputRate} Hz; metrics computed at the model's {cfg.SampleRate} Hz");
        notes.Add(_settings.Gain == GainMode.Restore
            ? "gain restored: the front-end's mean removal and peak-0.5 scaling are undone on every file"
            : "gain: model level (mean removed, peak 0.5), as the model sees it");

        AudioBuffer Assemble(Func<int, float[]> channel) =>
            new(Enumerable.Range(0, channels.Count).Select(channel).ToArray(), cfg.SampleRate);
        float[] AtGain(int c, float[] y) => _settings.Gain == GainMode.Restore ? normalizedInputs[c].Restore(y) : y;

        var files = new Dictionary<string, AudioBuffer>
        {
            [OutputNames.Input] = Assemble(c => _settings.Gain == GainMode.Restore ? channels[c].Channel(0) : normalizedInputs[c].Samples),
        };
        foreach (var n in names) files[n] = Assemble(c => AtGain(c, perChannelOutputs[c][n]));

        Directory.CreateDirectory(outputFolder);
        timer.Time("write", () =>
        {
            foreach (var (name, audio) in files)
            {
                var toWrite = outputRate == audio.SampleRate ? audio : Resampler.Resample(audio, outputRate);
                WavWriter.Write(Path.Combine(outputFolder, name + ".wav"), toWrite, _settings.Format, overwrite);
            }
        });

        // Images for the report: channel 0, model domain (too-short inputs get none).
        var mels = new Dictionary<string, Tensors.Tensor>();
        if (normalizedInputs[0].Samples.Length > cfg.NFft / 2)
        {
            mels[OutputNames.Input] = _frontEnd.LogMel(normalizedInputs[0].Samples);
            foreach (var n in names) mels[n] = _frontEnd.LogMel(perChannelOutputs[0][n]);
        }

        return new ReconstructionReport
        {
            InputPath = inputPath,
            OutputFolder = outputFolder,
            Model = _model,
            MelConfig = cfg,
            Settings = _settings,
            InputSampleRate = original.SampleRate,
            ModelSampleRate = cfg.SampleRate,
            OutputSampleRate = outputRate,
            Channels = channels.Count,
            ModelRateSamples = atModelRate.Length,
            Windows = windows,
            VaeMelMae = melError.Average(e => e.Mean),
            VaeMelMax = melError.Max(e => e.Max),
            Outputs = names.Select(n => new OutputEntry(n, n + ".wav", OutputNames.Describe(n), metricsByOutput[n])).ToList(),
            StageSeconds = timer.Stages,
            Version = typeof(Reconstructor).Assembly.GetName().Version?.ToString() ?? "0",
            Mels = mels,
            Previews = files.ToDictionary(kv => kv.Key, kv => AudioBuffer.Mono(kv.Value.Channel(0), cfg.SampleRate)),
            Notes = notes,
        };
    }

    private static IReadOnlyDictionary<string, double> AverageMetrics(IEnumerable<IReadOnlyDictionary<string, double>> perChannel)
    {
        var list = perChannel.ToList();
        return list[0].Keys.ToDictionary(k => k, k => list.Average(m => m.TryGetValue(k, out var v) ? v : double.NaN));
    }
}
