using LatentAudio.Dsp;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Dsp;

public class MelFilterbankTests
{
    [Fact]
    public void MatchesLibrosaGolden()
    {
        var golden = NpyFile.Read(TestPaths.Fixtures("dsp", "mel_filterbank.npy"));
        Assert.Equal([64, 513], golden.Shape);
        var fb = MelFilterbank.Create(16000, 1024, 64, 0, 8000);
        double max = 0;
        for (int m = 0; m < 64; m++)
            for (int k = 0; k < 513; k++) max = Math.Max(max, Math.Abs(fb[m][k] - golden.Data[m * 513 + k]));
        Assert.True(max <= 1e-7, $"max abs error {max}");
    }
}
