using LatentAudio.Audio;
using LatentAudio.Reconstruction;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// Long inputs go through 10.24 s windows with a crossfade: a steady tone and steady noise across several windows
/// must show no level dip or click at the seams (energy of 20 ms around each seam point within 1 dB of its
/// neighbours) and come out exactly as long as they went in.
/// </summary>
public class SeamTests
{
    private const int Rate = 16000;

    public static TheoryData<string, string> Cases => new()
    {
        { "tone", "vocoder" }, { "noise", "vocoder" }, { "tone", "griffinlim" }, { "noise", "griffinlim" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void NoLevelJumpAtSeams(string signal, string decoder)
    {
        using var model = new TinyModel();
        using var dir = new TestPaths.TempDir();
        int n = 24 * Rate; // three windows: 0, 143360 and the last one ending at n
        var rng = new Random(7);
        var x = new float[n];
        for (int i = 0; i < n; i++)
            x[i] = signal == "tone" ? (float)(0.4 * Math.Sin(2 * Math.PI * 440 * i / Rate)) : (float)(0.2 * (rng.NextDouble() * 2 - 1));
        WavWriter.Write(dir.File("x.wav"), AudioBuffer.Mono(x, Rate), WavSampleFormat.Float32);
        var (code, _, err) = Cli.Run("reconstruct", dir.File("x.wav"), "--model", model.Folder, "-o", dir.File("out"),
            "--decoder", decoder, "--iterations", "4", "--format", "wav32f", "--metrics", "snr");
        Assert.True(code == 0, err);
        string name = decoder == "vocoder" ? "vae_vocoder" : "vae_griffinlim";
        var y = AudioFile.Read(Path.Combine(dir.File("out"), name + ".wav")).Channel(0);
        Assert.Equal(n, y.Length);

        // the engine's windows, in latent frames of 4 mel frames (640 samples)
        int melFrames = (int)FrameRule.MelFrames(n, 160, 4, 1024);
        var windows = new LatentWindowPlan(melFrames / 4, 256, 32).Windows.ToList();
        Assert.Equal(3, windows.Count);
        for (int w = 1; w < windows.Count; w++)
        {
            long start = windows[w].Start * 640L, end = windows[w - 1].End * 640L;
            foreach (long seam in new[] { start, (start + end) / 2, end })
            {
                double here = EnergyDb(y, seam);
                double neighbours = 10 * Math.Log10(new[] { -3, -2, 2, 3 }.Average(k => Math.Pow(10, EnergyDb(y, seam + k * 320) / 10)));
                Assert.True(Math.Abs(here - neighbours) < 1.0, $"{signal}/{decoder}: seam at {seam} is {here - neighbours:0.00} dB off its neighbours");
            }
        }
    }

    /// <summary>Energy (dB) of the 20 ms (320 samples) centred on <paramref name="centre"/>.</summary>
    private static double EnergyDb(float[] y, long centre)
    {
        double e = 0;
        for (long i = centre - 160; i < centre + 160; i++) e += (double)y[i] * y[i];
        return 10 * Math.Log10(e / 320 + 1e-20);
    }
}
