namespace LatentAudio.Models.Bench;

/// <summary>One stage against the reference: reference seconds / ours, both the minimum of the timed runs (the harness's protocol).</summary>
public sealed record StageSpeedup(string Name, double ReferenceSeconds, double Seconds)
{
    public double Speedup => ReferenceSeconds / Seconds;
}

/// <summary>
/// Whether a benchmark may be compared with a PyTorch timing, and the speed-ups when it may. A speed-up means
/// something only for the same architecture, input length and thread count; otherwise <see cref="NotComparedBecause"/>
/// says which differs and there are no stages.
/// </summary>
public sealed record ReferenceComparison(ReferenceTiming Reference, IReadOnlyList<StageSpeedup> Stages, string? NotComparedBecause)
{
    public bool Compared => NotComparedBecause is null;
    public double TotalSpeedup => Stages.Sum(s => s.ReferenceSeconds) / Stages.Sum(s => s.Seconds);

    public static ReferenceComparison Of(ModelBenchmarkResult result, ReferenceTiming reference)
    {
        string? why = FullSizeModel.Difference(result.VaeConfig, result.VocoderConfig) is { } diff
            ? $"the model is not the full-size cvssp/audioldm2 architecture ({diff}); the PyTorch timing is of that architecture only"
            : reference.Frames != result.Frames ? $"the reference timed {reference.Frames} frames, the benchmark {result.Frames}"
            : reference.Threads != result.Threads ? $"the reference ran on {reference.Threads} torch threads, the benchmark on {result.Threads}"
            : null;
        if (why is not null) return new ReferenceComparison(reference, [], why);
        return new ReferenceComparison(reference,
        [
            new StageSpeedup("encode", reference.EncodeSeconds, result.Encode.Min),
            new StageSpeedup("decode", reference.DecodeSeconds, result.Decode.Min),
            new StageSpeedup("vocoder", reference.VocoderSeconds, result.Vocoder.Min),
        ], null);
    }
}
