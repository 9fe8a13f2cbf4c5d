using LatentAudio.Audio;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Tensors;

namespace LatentAudio.Reconstruction;

/// <summary>
/// The whole chain for one input, streaming, on the one engine the codec also uses (<see cref="WindowedLatentEncoder"/>,
/// <see cref="StreamingMelDecoder"/>, <see cref="ChunkedVocoder"/>): the measuring pass learns the input's length
/// and level (normalisation once over the whole input); windows of the frame rule's log-mel go through the VAE, the
/// decoded windows are cross-faded in the mel domain, and the decoded mel (the reconstruction) and the input's own
/// mel (the oracle, without the VAE) are vocoded and/or put through Griffin-Lim; every output is trimmed to the
/// input's length, handed to its sink and scored segment by segment as its samples become final. An input shorter
/// than one window is one zero-padded window, exactly the reference chain. Memory is bounded by the window and
/// metric-segment sizes, not by the input's length. Returns what was measured; writing files is the caller's.
/// </summary>
public sealed class Reconstructor
{
    /// <summary>The report's players and images show at most this much of channel 0 (a self-contained page stays small).</summary>
    public const double ExcerptSeconds = 30;

    private readonly AudioLdmModel _model;
    private readonly ReconstructSettings _settings;
    private readonly PairMetrics _metrics;

    public Reconstructor(AudioLdmModel model, ReconstructSettings settings, PairMetrics metrics)
    {
        _model = model; _settings = settings; _metrics = metrics;
        if (settings.UsesVocoder && model.Vocoder is null) throw new ArgumentException("the vocoder decoder needs a model loaded with its vocoder");
    }

    public Dsp.MelConfig MelConfig => _model.MelConfig;

    /// <summary>The version of the build (Directory.Build.props <c>Version</c>, shared by every assembly and <c>--version</c>).</summary>
    public static string LibraryVersion { get; } =
        (typeof(Reconstructor).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .FirstOrDefault() as System.Reflection.AssemblyInformationalVersionAttribute)?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The outputs this reconstructor renders, in file order (the input is written first, as <see cref="OutputNames.Input"/>).</summary>
    public IReadOnlyList<string> OutputNames()
    {
        var names = new List<string>();
        if (_settings.UsesVocoder) names.AddRange([Reconstruction.OutputNames.VaeVocoder, Reconstruction.OutputNames.OracleVocoder]);
        if (_settings.UsesGriffinLim) names.AddRange([Reconstruction.OutputNames.VaeGriffinLim, Reconstruction.OutputNames.OracleGriffinLim]);
        return names;
    }

    /// <summary>
    /// Reconstructs <paramref name="source"/>, hands every output to <paramref name="sink"/> and returns what was
    /// measured. <paramref name="work"/> hears the scan ("scan", total unknown) and then every decoded window
    /// ("window", i of N); <paramref name="progress"/> the same windows as text.
    /// </summary>
    public ReconstructionReport Run(AudioSource source, IReconstructionSink sink, Action<string>? progress = null, IProgress<WorkProgress>? work = null)
    {
        work?.Report(new WorkProgress("scan", 0, 0));
        var timer = new StageTimer();
        var notes = new List<string>();
        if (_model.Warning is { } warning) notes.Add(warning);
        var cfg = _model.MelConfig;
        var frontEnd = _model.FrontEnd;
        int rate = cfg.SampleRate, hop = cfg.Hop;
        var vae = new TimedVae(_model.Vae, timer);
        var encoder = new WindowedLatentEncoder(vae, frontEnd, _settings.SamplePosterior ? _settings.Seed : null);

        // Pass 1. Once over the whole input, never per window, so windows keep their relative level; for inputs up to
        // 10.24 s this is the reference's per-clip normalize_wav (AudioLDM2 audioldm2/utilities/audio/tools.py).
        var input = timer.Time("scan", () => encoder.Measure(source.Open, _settings.Channels, source.Name));
        int inputRate = input.SampleRate, channels = input.Levels.Length;
        long n = input.ModelSamples;
        if (inputRate != rate) notes.Add($"input resampled from {inputRate} Hz to the model's {rate} Hz");
        if (input.Channels > 1 && _settings.Channels != ChannelMode.Each)
            notes.Add($"{input.Channels} channels reduced to one ({_settings.Channels.ToString().ToLowerInvariant()})");
        int outputRate = _settings.OutputRate == OutputRate.Input ? inputRate : rate;
        if (outputRate != rate) notes.Add($"files resampled back to {outputRate} Hz; metrics computed at the model's {rate} Hz");
        notes.Add(_settings.Gain == GainMode.Restore
            ? "gain restored: the front-end's mean removal and peak-0.5 scaling are undone on every file"
            : "gain: model level (mean removed, peak 0.5), as the model sees it");

        var layout = Layout(n, channels);
        var plan = layout.Plan();
        if (n < (long)layout.WindowMelFrames * hop)
            notes.Add($"the input is shorter than one {layout.WindowMelFrames * hop / (double)rate:0.##} s window: it is zero-padded to one window " +
                      "as the reference's pad_wav does, and the outputs are trimmed to the input's length");
        var names = OutputNames();
        work?.Report(new WorkProgress("window", 0, plan.Windows.Count));
        // Loudness is reported for the files as written: the input as read and the outputs with the gain restored
        // (with --gain model, the outputs stay in the model's domain, and so does the loudness).
        var segments = new SegmentedMetrics(_metrics, names, channels, n, rate, _settings.Gain == GainMode.Restore ? input.Levels : null);
        if (segments.Segments > 1)
            notes.Add($"metrics: the input is scored in {segments.Segments} consecutive segments of {segments.SegmentSeconds:0.#} s " +
                      "(bounded memory); each number is the duration-weighted mean over segments");
        var excerpt = new ReportExcerpt(_settings.ReportExcerpts ? (int)Math.Min(n, (long)(ExcerptSeconds * rate)) : 0);
        if (_settings.ReportExcerpts && excerpt.Length < n) notes.Add($"the report's players and images show the first {ExcerptSeconds:0} s of channel 0");

        long fileLength = outputRate == rate ? n : input.Frames;
        var restore = _settings.Gain == GainMode.Restore ? input.Levels : null;
        var stages = new Dictionary<string, OutputStage>();
        try
        {
            OutputStage Create(string name, IReadOnlyList<StreamLevel>? levels) =>
                new(sink.Open(name, channels, outputRate, fileLength), channels, rate, outputRate, fileLength, levels);
            stages[Reconstruction.OutputNames.Input] = Create(Reconstruction.OutputNames.Input, null);
            foreach (var name in names) stages[name] = Create(name, restore);

            var render = new Renderers(_model, _settings, names, channels, layout.MelFrames, timer);
            var inputTrack = new InputTrack(source, input, frontEnd, restore is not null);
            var melError = new MelErrorAccumulator();
            long realFrames = Math.Min(layout.MelFrames, n / hop + 1);
            var inputMels = Enumerable.Range(0, channels).Select(_ => new Queue<float[]>()).ToArray();
            IEnumerable<OwnedLatent> Tap(IEnumerable<OwnedLatent> owned)
            {
                foreach (var o in owned)
                {
                    inputMels[o.StreamIndex].Enqueue(o.InputMel!);
                    yield return o;
                }
            }
            var owned = Tap(encoder.Encode(source.Open, input, plan, source.Name));
            var decoded = new StreamingMelDecoder(vae, layout).Decode(owned);
            long emitted = 0;
            int window = 0, windows = plan.Windows.Count;
            var blocks = decoded.GetEnumerator();
            try
            {
                while (NextBlock(blocks, timer))
                {
                    var block = blocks.Current;
                    window++;
                    if (windows <= 20 || window % 10 == 0 || window == windows) progress?.Invoke($"window {window}/{windows}");
                    // the window's samples are written and scored after it: it counts as done once they are
                    if (window > 1) work?.Report(new WorkProgress("window", window - 1, windows));
                    var inputMel = new float[channels][];
                    for (int s = 0; s < channels; s++)
                    {
                        inputMel[s] = inputMels[s].Dequeue();
                        if (inputMel[s].Length != block.Streams[s].Length) throw new InvalidOperationException("input and decoded mel blocks are out of step");
                        int real = (int)Math.Clamp(realFrames - block.FirstFrame, 0, block.Count) * cfg.NMels;
                        melError.Add(inputMel[s].AsSpan(0, real), block.Streams[s].AsSpan(0, real));
                    }
                    render.Push(block.Streams, inputMel);
                    emitted = Emit(emitted, render.Ready(n), n, inputTrack, render, stages, segments, excerpt, names, timer);
                }
            }
            finally
            {
                blocks.Dispose();
            }
            render.Finish();
            emitted = Emit(emitted, n, n, inputTrack, render, stages, segments, excerpt, names, timer);
            inputTrack.Dispose();

            var metricsByOutput = segments.Result();
            work?.Report(new WorkProgress("window", windows, windows));
            timer.Time("write", () => { foreach (var f in stages.Values) f.Complete(); });

            return new ReconstructionReport
            {
                InputPath = source.Name,
                Model = _model.Description,
                MelConfig = cfg,
                Settings = _settings,
                InputSampleRate = inputRate,
                ModelSampleRate = rate,
                OutputSampleRate = outputRate,
                Channels = channels,
                ModelRateSamples = n,
                Windows = windows,
                VaeMelMae = melError.Mean,
                VaeMelMax = melError.Max,
                Outputs = names.Select(x => new OutputEntry(x, x + ".wav", Reconstruction.OutputNames.Describe(x), metricsByOutput[x])).ToList(),
                StageSeconds = timer.Stages,
                Version = LibraryVersion,
                Mels = _settings.ReportExcerpts ? excerpt.Mels(frontEnd, names) : new Dictionary<string, Tensor>(),
                Previews = _settings.ReportExcerpts ? excerpt.Previews(names, restore?[0], rate) : new Dictionary<string, AudioBuffer>(),
                Notes = notes,
                LevelDomain = segments.LevelDomain,
            };
        }
        finally
        {
            foreach (var f in stages.Values) f.Dispose();
        }
    }

    /// <summary>The engine's latent layout for <paramref name="samples"/> model-rate samples: windows and overlap in whole latent frames.</summary>
    private LatentLayout Layout(long samples, int streams)
    {
        var cfg = _model.MelConfig;
        int down = _model.Vae.Downsample;
        int windowFrames = RoundTo((int)Math.Round(_settings.WindowSeconds * cfg.SampleRate / cfg.Hop), down);
        int overlapFrames = RoundTo((int)Math.Round(_settings.OverlapSeconds * cfg.SampleRate / cfg.Hop), down);
        if (overlapFrames >= windowFrames) throw new InvalidInputException($"an overlap of {_settings.OverlapSeconds} s must be shorter than the {_settings.WindowSeconds} s window");
        long melFrames = FrameRule.MelFrames(samples, cfg.Hop, down, windowFrames);
        if (melFrames > int.MaxValue) throw new InvalidInputException($"{samples} samples are too many mel frames");
        return new LatentLayout(streams, _model.Vae.LatentChannels, down, cfg.NMels, (int)melFrames, windowFrames, overlapFrames);
    }

    /// <summary>
    /// Advances the engine by one decoded block; the time not spent in the VAE (decoding, resampling, normalising and
    /// the log-mel of the next window) is the front-end's.
    /// </summary>
    private static bool NextBlock(IEnumerator<MelBlock> blocks, StageTimer timer)
    {
        double vae = timer.Seconds("vae_encode") + timer.Seconds("vae_decode");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        bool more = blocks.MoveNext();
        timer.Add("front_end", clock.Elapsed.TotalSeconds - (timer.Seconds("vae_encode") + timer.Seconds("vae_decode") - vae));
        return more;
    }

    private static int RoundTo(int frames, int multiple) => Math.Max(multiple, (frames + multiple / 2) / multiple * multiple);

    /// <summary>Hands every sample in [emitted, ready) to the files, the metrics and the report's excerpt; returns ready.</summary>
    private static long Emit(long emitted, long ready, long n, InputTrack inputTrack, Renderers render, Dictionary<string, OutputStage> stages,
        SegmentedMetrics segments, ReportExcerpt excerpt, IReadOnlyList<string> names, StageTimer timer)
    {
        const int Block = 1 << 15;
        while (emitted < Math.Min(ready, n))
        {
            int count = (int)Math.Min(Block, Math.Min(ready, n) - emitted);
            var (raw, normalized) = timer.Time("decode+resample", () => inputTrack.Take(count));
            var rendered = names.ToDictionary(x => x, x => render.Take(x, count));
            timer.Time("write", () =>
            {
                stages[Reconstruction.OutputNames.Input].Write(inputTrack.WritesRaw ? raw : normalized, 0, count);
                foreach (var name in names) stages[name].Write(rendered[name], 0, count);
            });
            timer.Time("metrics", () => segments.Add(normalized, rendered, 0, count, raw));
            if (excerpt.Length > 0) excerpt.Add(raw[0], normalized[0], rendered.ToDictionary(kv => kv.Key, kv => kv.Value[0]), count);
            emitted += count;
        }
        return emitted;
    }
}
