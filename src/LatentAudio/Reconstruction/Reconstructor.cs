using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Models;

namespace LatentAudio.Reconstruction;

/// <summary>
/// The whole chain for one input file, streaming: a first pass decodes and resamples the input to learn its length
/// and level (normalisation once over the whole input); the second pass feeds 10.24 s windows through VAE and
/// vocoder / Griffin-Lim, crossfades them and writes every file, scores the metrics segment by segment and keeps the
/// report's excerpts, as the samples become final. Memory is bounded by the window and metric-segment sizes, not by
/// the input's length.
/// </summary>
public sealed class Reconstructor
{
    /// <summary>The report's players and images show at most this much of channel 0 (a self-contained page stays small).</summary>
    public const double ExcerptSeconds = 30;

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
        int rate = cfg.SampleRate;
        ResampledReader Open() => ResampledReader.Open(inputPath, _settings.OffsetSeconds, _settings.Seconds, rate, _settings.Channels);

        // Pass 1. Once over the whole input, never per window, so windows keep their relative level; for inputs up to
        // 10.24 s this is the reference's per-clip normalize_wav (AudioLDM2 audioldm2/utilities/audio/tools.py).
        var scan = timer.Time("scan", () => InputScan.Run(Open));
        int inputRate = scan.SourceFormat.SampleRate, channels = scan.Channels;
        long n = scan.ModelRateFrames;
        if (inputRate != rate) notes.Add($"input resampled from {inputRate} Hz to the model's {rate} Hz");
        if (scan.SourceFormat.Channels > 1 && _settings.Channels != ChannelMode.Each)
            notes.Add($"{scan.SourceFormat.Channels} channels reduced to one ({_settings.Channels.ToString().ToLowerInvariant()})");
        int outputRate = _settings.OutputRate == OutputRate.Input ? inputRate : rate;
        if (outputRate != rate) notes.Add($"files resampled back to {outputRate} Hz; metrics computed at the model's {rate} Hz");
        notes.Add(_settings.Gain == GainMode.Restore
            ? "gain restored: the front-end's mean removal and peak-0.5 scaling are undone on every file"
            : "gain: model level (mean removed, peak 0.5), as the model sees it");

        int window = (int)Math.Round(_settings.WindowSeconds * rate);
        int overlap = (int)Math.Round(_settings.OverlapSeconds * rate);
        var plan = new WindowPlan(n, window, Math.Min(overlap, window - 1));
        var windows = plan.Windows().ToList();
        var renderer = new ChannelReconstructor(_vae, _vocoder, _frontEnd, _settings, timer);
        var names = renderer.OutputNames();
        var segments = new SegmentedMetrics(_metrics, names, channels, n, rate);
        if (segments.Segments > 1)
            notes.Add($"metrics: the input is scored in {segments.Segments} consecutive segments of {segments.SegmentSeconds:0.#} s " +
                      "(bounded memory); each number is the duration-weighted mean over segments");
        var excerpt = new ReportExcerpt((int)Math.Min(n, (long)(ExcerptSeconds * rate)));
        if (excerpt.Length < n) notes.Add($"the report's players and images show the first {ExcerptSeconds:0} s of channel 0");

        long fileLength = outputRate == rate ? n : scan.SourceFrames;
        var restore = _settings.Gain == GainMode.Restore ? scan.Levels : null;
        var files = new Dictionary<string, OutputFile>();
        try
        {
            OutputFile Create(string name, IReadOnlyList<LevelNormalizer>? levels) =>
                new(Path.Combine(outputFolder, name + ".wav"), channels, rate, outputRate, fileLength, _settings.Format, levels);
            files[OutputNames.Input] = Create(OutputNames.Input, null);
            foreach (var name in names) files[name] = Create(name, restore);

            int held = windows[0].Length;
            var raw = Buffers(channels, held);
            var normalized = Buffers(channels, held);
            var rendered = names.ToDictionary(x => x, _ => Buffers(channels, held));
            var faders = names.ToDictionary(x => x, _ => Enumerable.Range(0, channels).Select(_ => new Crossfader(held)).ToArray());
            var melError = new MelErrorAccumulator();
            using var reader = Open();
            var source = new WindowSource(reader, held);

            // Pass 2.
            for (int i = 0; i < windows.Count; i++)
            {
                var w = windows[i];
                if (windows.Count <= 20 || i % 10 == 0 || i == windows.Count - 1) progress?.Invoke($"window {i + 1}/{windows.Count}");
                timer.Time("decode+resample", () => source.Load(w));
                for (int c = 0; c < channels; c++)
                {
                    source.Samples(c, w.Start, w.End).CopyTo(raw[c]);
                    scan.Levels[c].Apply(raw[c].AsSpan(0, w.Length), normalized[c]);
                    var outputs = renderer.Render(w, normalized[c].AsSpan(0, w.Length), melError);
                    foreach (var name in names) faders[name][c].Add(w, outputs[name]);
                }
                // Everything before the next window's start is final now; it starts at this window's start.
                long next = i + 1 < windows.Count ? windows[i + 1].Start : n;
                int count = (int)(next - w.Start);
                foreach (var name in names)
                    for (int c = 0; c < channels; c++) faders[name][c].Emit(next, rendered[name][c]);
                timer.Time("write", () =>
                {
                    files[OutputNames.Input].Write(restore is null ? normalized : raw, 0, count);
                    foreach (var name in names) files[name].Write(rendered[name], 0, count);
                });
                timer.Time("metrics", () => segments.Add(normalized, rendered, 0, count));
                excerpt.Add(raw[0], normalized[0], rendered.ToDictionary(kv => kv.Key, kv => kv.Value[0]), count);
            }

            var metricsByOutput = segments.Result();
            timer.Time("write", () => { foreach (var f in files.Values) f.Complete(); });

            return new ReconstructionReport
            {
                InputPath = inputPath,
                OutputFolder = outputFolder,
                Model = _model,
                MelConfig = cfg,
                Settings = _settings,
                InputSampleRate = inputRate,
                ModelSampleRate = rate,
                OutputSampleRate = outputRate,
                Channels = channels,
                ModelRateSamples = n,
                Windows = windows.Count,
                VaeMelMae = melError.Mean,
                VaeMelMax = melError.Max,
                Outputs = names.Select(x => new OutputEntry(x, x + ".wav", OutputNames.Describe(x), metricsByOutput[x])).ToList(),
                StageSeconds = timer.Stages,
                Version = typeof(Reconstructor).Assembly.GetName().Version?.ToString() ?? "0",
                Mels = excerpt.Mels(_frontEnd, names),
                Previews = excerpt.Previews(names, restore?[0], rate),
                Notes = notes,
            };
        }
        finally
        {
            foreach (var f in files.Values) f.Dispose();
        }
    }

    private static float[][] Buffers(int channels, int length) =>
        Enumerable.Range(0, channels).Select(_ => new float[length]).ToArray();
}

/// <summary>The first seconds of channel 0 of the input and every output, kept for the report's images and players.</summary>
internal sealed class ReportExcerpt(int length)
{
    private readonly float[] _raw = new float[length];
    private readonly Dictionary<string, float[]> _normalized = new();
    private int _filled;

    public int Length => length;

    public void Add(float[] raw, float[] normalizedInput, IReadOnlyDictionary<string, float[]> outputs, int count)
    {
        int take = Math.Min(count, length - _filled);
        if (take <= 0) return;
        raw.AsSpan(0, take).CopyTo(_raw.AsSpan(_filled));
        Copy(OutputNames.Input, normalizedInput);
        foreach (var (name, y) in outputs) Copy(name, y);
        _filled += take;

        void Copy(string name, float[] from)
        {
            if (!_normalized.TryGetValue(name, out var to)) _normalized[name] = to = new float[length];
            from.AsSpan(0, take).CopyTo(to.AsSpan(_filled));
        }
    }

    /// <summary>Model-domain log-mels (too-short inputs get none).</summary>
    public IReadOnlyDictionary<string, Tensors.Tensor> Mels(AudioLdmFrontEnd frontEnd, IReadOnlyList<string> names)
    {
        var mels = new Dictionary<string, Tensors.Tensor>();
        if (length <= frontEnd.Config.NFft / 2) return mels;
        foreach (var name in names.Prepend(OutputNames.Input)) mels[name] = frontEnd.LogMel(_normalized[name]);
        return mels;
    }

    /// <summary>Audio at the files' gain (<paramref name="restore"/> null: the model's level).</summary>
    public IReadOnlyDictionary<string, AudioBuffer> Previews(IReadOnlyList<string> names, LevelNormalizer? restore, int rate)
    {
        var previews = new Dictionary<string, AudioBuffer>
        {
            [OutputNames.Input] = AudioBuffer.Mono(restore is null ? _normalized[OutputNames.Input] : _raw, rate),
        };
        foreach (var name in names)
        {
            var y = _normalized[name];
            if (restore is not null) { var x = new float[y.Length]; restore.Restore(y, x); y = x; }
            previews[name] = AudioBuffer.Mono(y, rate);
        }
        return previews;
    }
}
