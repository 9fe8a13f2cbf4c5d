using LatentAudio.Audio;
using LatentAudio.Metrics;
using LatentAudio.Metrics.P862;
using PesqMetric = LatentAudio.Metrics.Pesq;

namespace LatentAudio.Tests.Pesq;

/// <summary>
/// A 9.6 s segment of a tiny-model reconstruction of pink noise + tone (input vs vae_vocoder, model domain, 16-bit):
/// the utterance split's delay correction pushed an utterance's bounds outside the reference's windows, where the C
/// reference reads outside its arrays, and our port threw IndexOutOfRangeException. Bounds now stop at the signal.
/// </summary>
public class PesqSplitBoundsTests
{
    [Theory]
    [InlineData(PesqMode.WideBand)]
    [InlineData(PesqMode.NarrowBand)]
    public void Utterance_bounds_outside_the_signal_give_a_score_not_a_crash(PesqMode mode)
    {
        var reference = AudioFile.Read(TestPaths.Fixtures("pesq", "regressions", "split_bounds_ref.wav")).Channel(0);
        var degraded = AudioFile.Read(TestPaths.Fixtures("pesq", "regressions", "split_bounds_deg.wav")).Channel(0);
        double score = PesqMetric.Compute(reference, degraded, 16000, mode);
        Assert.InRange(score, 1.0, 4.65);
    }
}
