using LatentAudio.Audio;
using LatentAudio.Dsp;

namespace LatentAudio.Reconstruction;

/// <summary>
/// The first of the two passes over an input: decodes and resamples it once, block by block, to learn its exact
/// model-rate length and each channel's level normalisation (mean and peak over the whole input, never per window).
/// </summary>
public sealed record InputScan(AudioFormatInfo SourceFormat, long SourceFrames, long ModelRateFrames, IReadOnlyList<LevelNormalizer> Levels)
{
    public int Channels => Levels.Count;

    /// <summary>
    /// Scans the input <paramref name="open"/> gives. numpy's pairwise mean depends on the total length, so it is
    /// accumulated against the length the header promises; when the header says nothing or is wrong (a lossy file's
    /// claim), the counted length is known after this pass and a second scan computes the exact sums.
    /// </summary>
    public static InputScan Run(Func<ResampledReader> open)
    {
        long? expected = null;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            using var reader = open();
            expected ??= reader.ExpectedFrames;
            var stats = expected is long e ? Enumerable.Range(0, reader.Channels).Select(_ => new LevelStatistics(e)).ToArray() : null;
            var block = Enumerable.Range(0, reader.Channels).Select(_ => new float[4096]).ToArray();
            long frames = 0;
            for (int got; (got = reader.Read(block, 0, 4096)) > 0;)
            {
                if (stats is not null && frames + got > stats[0].ExpectedLength) stats = null;
                if (stats is not null)
                    for (int c = 0; c < stats.Length; c++) stats[c].Add(block[c].AsSpan(0, got));
                frames += got;
            }
            if (stats is not null && frames == stats[0].ExpectedLength)
                return new InputScan(reader.SourceFormat, reader.SourceFrames, frames, stats.Select(s => s.Result()).ToList());
            expected = frames;
        }
        throw new LatentAudioException("the input changed length between two reads of it");
    }
}

/// <summary>
/// The second pass: the input's model-rate samples, held one analysis window at a time. Windows must come in order
/// of start (as <see cref="WindowPlan"/> gives them); samples before the current window are dropped.
/// </summary>
public sealed class WindowSource
{
    private readonly ResampledReader _reader;
    private readonly float[][] _buffer;
    private long _bufferStart;
    private int _buffered;

    public WindowSource(ResampledReader reader, int windowSamples)
    {
        _reader = reader;
        _buffer = Enumerable.Range(0, reader.Channels).Select(_ => new float[Math.Max(1, windowSamples)]).ToArray();
    }

    /// <summary>Raw (un-normalised) samples of channel <paramref name="channel"/> in [from, to), inside the loaded window.</summary>
    public ReadOnlySpan<float> Samples(int channel, long from, long to)
    {
        if (from < _bufferStart || to > _bufferStart + _buffered) throw new ArgumentOutOfRangeException(nameof(from));
        return _buffer[channel].AsSpan((int)(from - _bufferStart), (int)(to - from));
    }

    /// <summary>Makes [window.Start, window.End) available.</summary>
    public void Load(AudioWindow window)
    {
        if (window.Start < _bufferStart) throw new InvalidOperationException("windows must come in order");
        int drop = (int)Math.Min(window.Start - _bufferStart, _buffered);
        if (drop > 0)
        {
            foreach (var b in _buffer) b.AsSpan(drop, _buffered - drop).CopyTo(b);
            _buffered -= drop;
            _bufferStart += drop;
        }
        // Windows never skip samples (they overlap), so the buffer's start is the window's start now.
        if (_bufferStart != window.Start) throw new InvalidOperationException("windows must not leave gaps");
        while (_buffered < window.Length)
        {
            int got = _reader.Read(_buffer, _buffered, window.Length - _buffered);
            if (got == 0) throw new LatentAudioException("the input ended early on its second read (was it changed meanwhile?)");
            _buffered += got;
        }
    }
}
