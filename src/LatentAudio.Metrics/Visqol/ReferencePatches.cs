namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>Where the reference patches start (in spectrogram frames).</summary>
internal static class ReferencePatches
{
    /// <summary>Audio mode: every patch-width frames, the first half a patch in (google/visqol `image_patch_creator.cc`;
    /// the reference starts at index width/2 − 1).</summary>
    public static List<int> Regular(int frames, int width)
    {
        int init = width / 2;
        if (frames < width + init)
            throw new InvalidInputException($"ViSQOL: the reference is too short ({frames} frames; a patch needs {width + init})");
        int maxIndex = init < frames - width ? frames - width : init + 1;
        var indices = new List<int>();
        for (int i = init; i < maxIndex; i += width) indices.Add(i - 1);
        return indices;
    }

    /// <summary>
    /// Speech mode: patches every width frames from width/2 − 1, kept when the RMS voice-activity detector finds activity in
    /// at least one of their frames (google/visqol `vad_patch_creator.cc`). Like the reference, the detector runs on the
    /// peak-normalised reference in frame-hop chunks starting at sample (width/2 − 1).
    /// </summary>
    public static List<int> VoiceActive(ReadOnlySpan<double> reference, int frames, int width, int hop)
    {
        double max = double.NegativeInfinity;
        foreach (var v in reference) max = Math.Max(max, v);
        int first = width / 2 - 1;
        int patchCount = Math.Max(0, (frames - first) / width);
        int patchSamples = width * hop;
        int total = patchCount * patchSamples;
        if (first + total > reference.Length) total = Math.Max(0, reference.Length - first);
        var vad = RmsVad.Detect(reference.Slice(first, total), max, hop);
        var indices = new List<int>();
        for (int i = 0, idx = first; i < patchCount; i++, idx += width)
        {
            double active = 0;
            for (int k = i * width; k < (i + 1) * width && k < vad.Count; k++) active += vad[k];
            if (active >= 1.0) indices.Add(idx);
        }
        return indices;
    }
}
