using LatentAudio.Reconstruction;

namespace LatentAudio.Tests.Reconstruction;

public class CrossfaderTests
{
    [Fact]
    public void IdenticalRenderingsPassThroughUnchanged()
    {
        var signal = Enumerable.Range(0, 3000).Select(i => (float)Math.Sin(i * 0.03)).ToArray();
        var plan = new WindowPlan(signal.Length, 1000, 300);
        var fader = new Crossfader(signal.Length);
        foreach (var w in plan.Windows()) fader.Add(w, signal.AsSpan((int)w.Start, w.Length));
        for (int i = 0; i < signal.Length; i++) Assert.Equal(signal[i], fader.Output[i], 1e-5f);
    }

    [Fact]
    public void IndependentRenderingsKeepTheirPower()
    {
        var rng = new Random(3);
        int n = 20000;
        var plan = new WindowPlan(n, 8000, 4000);
        var fader = new Crossfader(n);
        foreach (var w in plan.Windows())
            fader.Add(w, Enumerable.Range(0, w.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
        // Uniform noise in [-1, 1] has power 1/3 everywhere, overlaps included.
        for (int start = 0; start + 1000 <= n; start += 1000)
        {
            double p = 0;
            for (int i = start; i < start + 1000; i++) p += fader.Output[i] * fader.Output[i];
            Assert.InRange(p / 1000, 0.29, 0.38);
        }
    }

    [Fact]
    public void WindowsCoverTheSignalAndTheLastOneIsFullLength()
    {
        var windows = new WindowPlan(400000, 163840, 20480).Windows().ToList();
        Assert.Equal(0, windows[0].Start);
        Assert.Equal(400000, windows[^1].End);
        Assert.All(windows, w => Assert.Equal(163840, w.Length));
        for (int i = 1; i < windows.Count; i++) Assert.True(windows[i].Start < windows[i - 1].End);
        Assert.Single(new WindowPlan(1000, 163840, 20480).Windows());
    }
}
