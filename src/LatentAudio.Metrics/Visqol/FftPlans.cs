using LatentAudio.Dsp;

namespace LatentAudio.Metrics.VisqolInternals;

/// <summary>FFT plans by size, shared by the alignments of one comparison (the patch realignments reuse one size).</summary>
internal sealed class FftPlans
{
    private readonly Dictionary<int, FftPlan> _plans = [];

    public FftPlan Get(int size)
    {
        if (!_plans.TryGetValue(size, out var plan)) _plans[size] = plan = new FftPlan(size);
        return plan;
    }
}
