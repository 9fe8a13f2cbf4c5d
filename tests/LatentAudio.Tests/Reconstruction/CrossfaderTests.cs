using LatentAudio.Reconstruction;

namespace LatentAudio.Tests.Reconstruction;

public class CrossfaderTests
{
    [Fact]
    public void IdenticalRenderingsPassThroughUnchanged()
    {
        var signal = Enumerable.Range(0, 3000).Select(i => (float)Math.Sin(i * 0.03)).ToArray();
        var plan = new WindowPlan(signal.Length, 1000, 300);
        var output = Join(plan, w => signal.AsSpan((int)w.Start, w.Length).ToArray());
        for (int i = 0; i < signal.Length; i++) Assert.Equal(signal[i], output[i], 1e-5f);
    }

    [Fact]
    public void IndependentRenderingsKeepTheirPower()
    {
        var rng = new Random(3);
        int n = 20000;
        var plan = new WindowPlan(n, 8000, 4000);
        var output = Join(plan, w => Enumerable.Range(0, w.Length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
        // Uniform noise in [-1, 1] has power 1/3 everywhere, overlaps included.
        for (int start = 0; start + 1000 <= n; start += 1000)
        {
            double p = 0;
            for (int i = start; i < start + 1000; i++) p += output[i] * output[i];
            Assert.InRange(p / 1000, 0.29, 0.38);
        }
    }

    [Fact]
    public void OnlyOneWindowIsHeldAndSamplesComeOutOnceFinal()
    {
        var plan = new WindowPlan(10000, 1000, 200);
        var fader = new Crossfader(1000);
        var windows = plan.Windows().ToList();
        var buffer = new float[1000];
        for (int i = 0; i < windows.Count; i++)
        {
            fader.Add(windows[i], new float[1000]);
            long next = i + 1 < windows.Count ? windows[i + 1].Start : 10000;
            Assert.Equal(next - windows[i].Start, fader.Emit(next, buffer));
        }
        Assert.Equal(10000, fader.Emitted);
        Assert.Throws<InvalidOperationException>(() => fader.Add(windows[0], new float[1000]));
    }

    /// <summary>Streams every window of the plan through a crossfader and returns the joined signal.</summary>
    private static float[] Join(WindowPlan plan, Func<AudioWindow, float[]> render)
    {
        var output = new float[plan.TotalSamples];
        var fader = new Crossfader(plan.WindowSamples);
        var windows = plan.Windows().ToList();
        for (int i = 0; i < windows.Count; i++)
        {
            fader.Add(windows[i], render(windows[i]));
            long next = i + 1 < windows.Count ? windows[i + 1].Start : plan.TotalSamples;
            long from = fader.Emitted;
            fader.Emit(next, output.AsSpan((int)from));
        }
        return output;
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
