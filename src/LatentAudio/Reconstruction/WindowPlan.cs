namespace LatentAudio.Reconstruction;

/// <summary>One analysis window, in samples at the model rate: [Start, Start + Length).</summary>
public readonly record struct AudioWindow(int Index, long Start, int Length)
{
    public long End => Start + Length;
}

/// <summary>
/// How a long signal is cut into the windows the model was trained on. AudioLDM2's VAE saw 10.24 s clips
/// (1024 frames, AudioLDM2 `utilities/data/dataset.py` target_length) and its mid-block attention is global, so
/// memory grows with the square of the window: long audio goes through fixed windows that overlap and are
/// crossfaded. Every window but a lone short input is full length: the last one starts at N - window, so it
/// overlaps its neighbour more rather than being a short scrap the model never saw.
/// </summary>
public sealed class WindowPlan
{
    public WindowPlan(long totalSamples, int windowSamples, int overlapSamples)
    {
        if (windowSamples <= 0) throw new ArgumentOutOfRangeException(nameof(windowSamples));
        if (overlapSamples < 0 || overlapSamples >= windowSamples)
            throw new InvalidInputException($"overlap ({overlapSamples} samples) must be shorter than the window ({windowSamples})");
        TotalSamples = totalSamples; WindowSamples = windowSamples; OverlapSamples = overlapSamples;
    }

    public long TotalSamples { get; }
    public int WindowSamples { get; }
    public int OverlapSamples { get; }

    public IEnumerable<AudioWindow> Windows()
    {
        if (TotalSamples <= WindowSamples)
        {
            yield return new AudioWindow(0, 0, (int)TotalSamples);
            yield break;
        }
        long stride = WindowSamples - OverlapSamples;
        int index = 0;
        for (long start = 0; ; start += stride)
        {
            if (start + WindowSamples >= TotalSamples)
            {
                yield return new AudioWindow(index, TotalSamples - WindowSamples, WindowSamples);
                yield break;
            }
            yield return new AudioWindow(index++, start, WindowSamples);
        }
    }

    public int Count => Windows().Count();
}
