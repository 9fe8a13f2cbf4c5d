namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>
/// ViSQOL's RMS voice-activity detector (google/visqol `rms_vad.cc`): 16-bit chunks with RMS under 5000 are silent; a chunk
/// counts as inactive only when it and the two before it are silent; the first two chunks are always active.
/// </summary>
internal static class RmsVad
{
    private const double RmsThreshold = 5000.0;
    private const int SilentChunkCount = 3;

    /// <summary>One 0/1 activity value per full chunk of <paramref name="chunk"/> samples of <paramref name="signal"/> / <paramref name="peak"/>.</summary>
    public static List<double> Detect(ReadOnlySpan<double> signal, double peak, int chunk)
    {
        var loud = new List<bool>();
        for (int start = 0; chunk > 0 && start + chunk <= signal.Length; start += chunk)
        {
            double square = 0;
            for (int i = start; i < start + chunk; i++)
            {
                // As int16 after clamping, truncated toward zero as a C++ double-to-int16 conversion does.
                double v = signal[i] / peak * 32768.0;
                v = Math.Max(-32768.0, Math.Min(32767.0, v));
                double s = Math.Truncate(v);
                square += s * s;
            }
            loud.Add(Math.Sqrt(square / chunk) >= RmsThreshold);
        }
        var result = new List<double>();
        for (int i = 0; i < SilentChunkCount - 1; i++) result.Add(1.0);
        for (int i = SilentChunkCount - 1; i < loud.Count; i++)
        {
            bool silentRun = !loud[i];
            for (int j = 1; j < SilentChunkCount && silentRun; j++) silentRun = !loud[i - j];
            result.Add(silentRun ? 0.0 : 1.0);
        }
        return result;
    }
}
