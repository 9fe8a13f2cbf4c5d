using LatentAudio.Audio;
using LatentAudio.Metrics;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Reconstruction;

namespace LatentAudio.Study;

/// <summary>
/// Runs one item through every model (each loaded once by the caller) and every output: the reconstruction's outputs
/// (<see cref="Reconstructor"/>), and with codec steps or Opus bitrates their round trips (<see cref="CodecRoundTrips"/>).
/// Nothing about one item stops the run: whatever goes wrong becomes a failure row with its reason.
/// </summary>
public sealed class ItemEvaluator
{
    private readonly IReadOnlyList<AudioLdmModel> _models;
    private readonly EvaluationSettings _settings;
    private readonly PairMetrics _metrics;
    private readonly Func<EvaluationItem, AudioLdmModel, IReconstructionSink>? _keep;
    private readonly string _fingerprint;
    private readonly ReconstructSettings _chain;
    private readonly ItemEmbedder? _embedder;

    /// <param name="keep">Where to put each item's audio (the caller's files); null keeps none.</param>
    /// <param name="embedder">The network whose vectors of the input and of every output each row carries (the
    /// Fréchet distance of the summary); null: none. Its name and weights should be the settings' FadEmbedding.</param>
    public ItemEvaluator(IReadOnlyList<AudioLdmModel> models, EvaluationSettings settings, PairMetrics metrics,
        Func<EvaluationItem, AudioLdmModel, IReconstructionSink>? keep = null, ItemEmbedder? embedder = null)
    {
        if (models.Count == 0) throw new ArgumentException("at least one model", nameof(models));
        _models = models; _settings = settings; _metrics = metrics; _keep = keep; _embedder = embedder;
        _fingerprint = settings.Fingerprint();
        _chain = ChainSettings(settings);
    }

    /// <summary>The reconstruction settings an item runs with: the study's, without the report's excerpts (a study
    /// writes rows, never report.html; computing them cost time per item and changed no number).</summary>
    public static ReconstructSettings ChainSettings(EvaluationSettings settings) => settings.Reconstruct with { ReportExcerpts = false };

    public string Fingerprint => _fingerprint;

    /// <summary>The outputs each item gets for each model, in row order.</summary>
    public IReadOnlyList<string> ExpectedOutputs()
    {
        var names = new Reconstructor(_models[0], _chain, _metrics).OutputNames().ToList();
        names.AddRange(CodecRoundTrips.OutputNames(_settings));
        return names;
    }

    /// <summary>Every row of <paramref name="item"/>: per model, one per output, or one failure row.</summary>
    public IReadOnlyList<EvaluationRow> Evaluate(EvaluationItem item)
    {
        var rows = new List<EvaluationRow>();
        Metrics.Distribution.EmbeddingVectors? reference = null; // the input's vectors, made once for every model
        foreach (var model in _models)
        {
            var modelRef = ModelRef.Of(model.Identity);
            try
            {
                if (_embedder is not null) reference ??= _embedder.EmbedSource(item.Source());
                rows.AddRange(EvaluateOne(item, model, modelRef, reference));
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                rows.RemoveAll(r => r.Model == modelRef);
                rows.Add(new EvaluationRow
                {
                    Id = item.Id, Category = item.Category, Model = modelRef, Output = EvaluationRow.FailureOutput,
                    Settings = _fingerprint, Failure = Reason(e, item),
                });
            }
        }
        return rows;
    }

    private IEnumerable<EvaluationRow> EvaluateOne(EvaluationItem item, AudioLdmModel model, ModelRef modelRef,
        Metrics.Distribution.EmbeddingVectors? reference)
    {
        var source = item.Source();
        IReconstructionSink sink = _keep?.Invoke(item, model) ?? new DiscardSink();
        var captured = reference is not null ? new TeeSink(sink) : null;
        var report = new Reconstructor(model, _chain, _metrics).Run(source, captured ?? sink);
        var rows = report.Outputs.Select(o => new EvaluationRow
        {
            Id = item.Id, Category = item.Category, Model = modelRef, Output = o.Name, Settings = _fingerprint,
            Metrics = o.Metrics, StageSeconds = report.StageSeconds,
            Embedding = captured is null ? null : _embedder!.Pair(reference!, captured.Memory.Outputs[o.Name]),
        }).ToList();
        if (_settings.CodecSteps.Count > 0 || _settings.OpusKbps.Count > 0)
        {
            var decoded = new Dictionary<string, AudioBuffer>();
            var points = new CodecRoundTrips(model, _settings, _metrics).Run(source, reference is null ? null : (name, audio) => decoded[name] = audio);
            foreach (var p in points)
                rows.Add(new EvaluationRow
                {
                    Id = item.Id, Category = item.Category, Model = modelRef, Output = p.Output, Settings = _fingerprint,
                    Metrics = p.Metrics, Kbps = p.Kbps, StageSeconds = [new("codec", p.Seconds)],
                    Embedding = reference is null ? null : _embedder!.Pair(reference, decoded[p.Output]),
                });
        }
        return rows;
    }

    /// <summary>Passes every output to the caller's sink and keeps a copy in memory (for the embeddings).</summary>
    private sealed class TeeSink(IReconstructionSink inner) : IReconstructionSink
    {
        public MemorySink Memory { get; } = new();

        public IAudioSink Open(string output, int channels, int sampleRate, long frames) =>
            new Both(inner.Open(output, channels, sampleRate, frames), Memory.Open(output, channels, sampleRate, frames));

        private sealed class Both(IAudioSink a, IAudioSink b) : IAudioSink
        {
            public void Write(IReadOnlyList<float[]> planar, int offset, int count) { a.Write(planar, offset, count); b.Write(planar, offset, count); }
            public void Complete() { a.Complete(); b.Complete(); }
            public void Dispose() { a.Dispose(); b.Dispose(); }
        }
    }

    /// <summary>One line, without the item's own path in front (so equal problems count as one reason).</summary>
    public static string Reason(Exception e, EvaluationItem item)
    {
        string message = e.Message.ReplaceLineEndings(" ").Trim();
        foreach (var prefix in new[] { item.Path + ": ", Path.GetFullPath(item.Path) + ": " })
            if (message.StartsWith(prefix, StringComparison.Ordinal)) message = message[prefix.Length..];
        message = message.Replace(item.Path, "<item>");
        return e is LatentAudioException or IOException or UnauthorizedAccessException ? message : $"internal error: {e.GetType().Name}: {message}";
    }

    /// <summary>Takes the outputs and keeps nothing (a study without --keep-audio).</summary>
    internal sealed class DiscardSink : IReconstructionSink
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

/// <summary>A codec or Opus output of one item: its name, measured bitrate, metrics and the seconds it took.</summary>
public sealed record CodecPoint(string Output, double Kbps, IReadOnlyDictionary<string, MetricOutcome> Metrics, double Seconds);
