using System.Text;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Dsp;

/// <summary>The golden fbank files are numpy-saved transposes (fortran_order True); the reader turns them into C order.</summary>
public class NpyFortranOrderTests
{
    [Fact]
    public void FortranOrderIsReorderedToCOrder()
    {
        // a = [[0, 1, 2], [3, 4, 5]] stored column-major: 0 3 1 4 2 5
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        string header = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }";
        header += new string(' ', 128 - 10 - header.Length - 1) + "\n";
        ms.Write(BitConverter.GetBytes((ushort)header.Length));
        ms.Write(Encoding.Latin1.GetBytes(header));
        foreach (float v in new float[] { 0, 3, 1, 4, 2, 5 }) ms.Write(BitConverter.GetBytes(v));
        ms.Position = 0;
        var t = NpyFile.Read(ms, "test.npy");
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal([0f, 1, 2, 3, 4, 5], t.Data);
    }

    [Fact]
    public void GoldenFbankIsTimeMajor()
    {
        // Row 0 of speech_libri1's fbank is the first frame: its 64 bins are a spectrum, not one bin over time.
        var fbank = GoldenMel.Npy("speech_libri1.fbank.npy");
        var melRaw = GoldenMel.Npy("speech_libri1.mel_raw.npy");
        // Same audio at different levels (peak 0.5 vs raw): rows differ by a near-constant log gain.
        double d0 = fbank.Data[10 * 64 + 5] - melRaw.Data[10 * 64 + 5], d1 = fbank.Data[10 * 64 + 40] - melRaw.Data[10 * 64 + 40];
        Assert.True(Math.Abs(d0 - d1) < 0.05, $"{d0} vs {d1}");
    }
}
