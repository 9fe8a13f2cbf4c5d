namespace LatentAudio.Audio.Flac;

/// <summary>
/// Seeking by frame headers: a bisection over byte offsets that, at each probe, scans for the next frame sync,
/// decodes that frame (CRC-8 and CRC-16 checked, so a sync pattern inside audio data is not taken for a frame) and
/// compares its first sample with the target. Memory stays at one frame; time is about 2·log2(file size) frames.
/// </summary>
public sealed partial class FlacReader
{
    /// <summary>Below this many blocks ahead, decoding and dropping is cheaper than bisecting (settable for tests).</summary>
    internal int SeekThresholdBlocks { get; set; } = 16;
    private const int ScanChunk = 1 << 16;

    /// <summary>
    /// Positions the reader at the start of the last frame whose first sample is ≤ <paramref name="target"/>,
    /// never before the current position. Sets <see cref="_nextSample"/> to that frame's first sample.
    /// </summary>
    private void SeekToFrameBefore(long target)
    {
        long bestOffset = _bits.Position, bestSample = _nextSample;
        long lo = bestOffset, hi = _stream.Length;
        var scratch = new byte[ScanChunk];
        for (int iteration = 0; iteration < 64 && hi - lo > 16; iteration++)
        {
            long mid = lo + (hi - lo) / 2;
            if (!FindFrame(mid, hi, scratch, out long offset, out var header)) { hi = mid; continue; }
            long first = header.FirstSample(_info);
            if (first > target) { hi = mid; continue; }
            if (first >= bestSample) { bestOffset = offset; bestSample = first; }
            if (target < first + header.BlockSize) break;
            lo = offset + 1;
        }
        _bits.Reset(bestOffset);
        _nextSample = bestSample;
        _frameLength = _frameOffset = 0;
    }

    /// <summary>The first frame that starts in [from, limit) and decodes cleanly.</summary>
    private bool FindFrame(long from, long limit, byte[] scratch, out long offset, out FlacFrameHeader header)
    {
        // No legal frame is longer than the reader's buffer cap, so a sync must turn up within two of them.
        long end = Math.Min(limit, from + 2L * (8 * (65535 * 33 / 8 + 64) + 64));
        long pos = from;
        while (pos < end - 1)
        {
            _stream.Position = pos;
            int got = _stream.ReadAtLeast(scratch, Math.Min(scratch.Length, (int)Math.Min(int.MaxValue, end - pos)), throwOnEndOfStream: false);
            if (got < 2) break;
            for (int i = 0; i + 1 < got; i++)
            {
                if (scratch[i] != 0xFF || (scratch[i + 1] & 0xFE) != 0xF8) continue;
                if (TryDecodeAt(pos + i, out header)) { offset = pos + i; return true; }
                _stream.Position = pos + got;   // TryDecodeAt moved the stream; the scan continues from its buffer
            }
            pos += got - 1;
        }
        offset = 0; header = default;
        return false;
    }

    private bool TryDecodeAt(long offset, out FlacFrameHeader header)
    {
        _bits.Reset(offset);
        try
        {
            header = DecodeFrameAtCursor();
            long first = header.FirstSample(_info);
            return _info.TotalSamples == 0 || first < _info.TotalSamples;
        }
        catch (InvalidInputException)
        {
            header = default;
            return false;
        }
    }
}
