using System.IO.Compression;
using LatentAudio.Audio;
using LatentAudio.Tensors;

namespace LatentAudio.Tests.Dsp;

/// <summary>
/// The golden AudioLDM2 mel data copied (gzip-compressed) into Fixtures/dsp, and the inputs they were made from.
/// See Fixtures/dsp/README.md for provenance.
/// </summary>
internal static class GoldenMel
{
    public static Tensor Npy(string fileName)
    {
        var path = TestPaths.Fixtures("dsp", fileName + ".gz");
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        ms.Position = 0;
        return NpyFile.Read(ms, path);
    }

    /// <summary>The waveform a golden stem was computed from: a golden WAV (int16 / 32768) or a synthetic signal.</summary>
    public static AudioBuffer Input(string stem) => stem switch
    {
        "synth_silence" => AudioBuffer.Mono(new float[163840], 16000),
        "synth_sine440" or "synth_noise_seed0" => AudioBuffer.Mono(Npy(stem + ".input.npy").Data, 16000),
        "speech_libri1" or "music_brahms" or "env_robin" or "instrument_trumpet" => AudioFile.Read(TestPaths.Samples(stem + ".wav")),
        _ => AudioFile.Read(TestPaths.Fixtures("dsp", stem + ".wav")),
    };

    public static (double Max, double Mean) Errors(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0, sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs((double)a[i] - b[i]);
            if (double.IsNaN(d)) return (double.NaN, double.NaN);
            max = Math.Max(max, d);
            sum += d;
        }
        return (max, a.Length == 0 ? 0 : sum / a.Length);
    }
}
