using LatentAudio.Audio;
using LatentAudio.Dsp;

namespace LatentAudio.Tests.Dsp;

public class AudioLdmFrontEndTests
{
    private static readonly AudioLdmFrontEnd FrontEnd = new(MelConfig.AudioLdm16k);

    [Fact]
    public void NormalizeRemovesMeanScalesToHalfAndRestores()
    {
        var x = new float[1000];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(0.2 + 0.7 * Math.Sin(i * 0.05));
        var n = FrontEnd.Normalize(x);
        Assert.Equal(0.5, n.Samples.Max(Math.Abs), 6);
        Assert.Equal(0.0, n.Samples.Average(v => (double)v), 3);
        Assert.Equal(0.5 / (x.Max(v => Math.Abs(v - n.Mean)) + 1e-8), n.Scale, 6);
        var back = n.Restore(n.Samples);
        for (int i = 0; i < x.Length; i++) Assert.True(Math.Abs(x[i] - back[i]) < 1e-6, $"{i}: {x[i]} vs {back[i]}");
    }

    [Theory]
    [InlineData(15999, 1024)]   // shorter than a window: one zero-padded 10.24 s window (pad_wav)
    [InlineData(163840, 1024)]  // the reference 10.24 s: 1025 frames cropped to 1024 (_pad_spec)
    [InlineData(1, 1024)]
    [InlineData(200001, 1252)]  // ceil(200001 / 160) = 1251 -> 1252, a multiple of 4
    public void FrameRulePadsTheWaveformNotTheMel(int samples, int frames)
    {
        Assert.Equal(frames, FrameRule.MelFrames(samples, 160, 4, 1024));
        var x = new float[samples];
        Array.Fill(x, 0.25f);
        var mel = FrontEnd.ModelMel(x);
        Assert.Equal(frames, mel.Shape[0]);
        // frames past the signal are the log-mel of zeros (ln 1e-5), computed, never written in
        var padded = new float[frames * 160];
        x.CopyTo(padded, 0);
        var whole = FrontEnd.LogMel(padded);
        Assert.Equal(frames + 1, whole.Shape[0]);
        Assert.Equal(whole.Data.AsSpan(0, frames * 64).ToArray(), mel.Data);
        Assert.Equal(0, FrameRule.MelFrames(samples * 3, 480, 8, 1024) % 8);
    }

    [Fact]
    public void ModelChannelsFirstMixEachAtTheModelRate()
    {
        var left = Enumerable.Range(0, 44100).Select(i => (float)Math.Sin(i * 0.01)).ToArray();
        var right = left.Select(v => -0.5f * v).ToArray();
        var audio = new AudioBuffer([left, right], 44100);
        var first = FrontEnd.ModelChannels(audio, ChannelMode.First);
        var mix = FrontEnd.ModelChannels(audio, ChannelMode.Mix);
        var each = FrontEnd.ModelChannels(audio, ChannelMode.Each);
        Assert.Single(first);
        Assert.Single(mix);
        Assert.Equal(2, each.Count);
        Assert.Equal(16000, first[0].Length);
        Assert.Equal(first[0], each[0]);
        for (int i = 100; i < 15900; i += 97)
        {
            Assert.Equal(0.25 * first[0][i], mix[0][i], 1e-5);
            Assert.Equal(-0.5 * first[0][i], each[1][i], 1e-5);
        }
    }

    [Fact]
    public void LongInputIsNotCroppedAsAWaveformOnlyAsFrames()
    {
        // pad_wav never crops: mean and peak come from the whole file, the mel is cropped to 1024 frames afterwards.
        var x = new float[200000];
        for (int i = 0; i < x.Length; i++) x[i] = (float)Math.Sin(i * 0.01) * (i < 170000 ? 0.1f : 0.9f);
        var audio = AudioBuffer.Mono(x, 16000);
        var wave = FrontEnd.ReferenceWaveform(audio);
        Assert.Equal(200000, wave.Length);
        Assert.True(wave.AsSpan(0, 163840).ToArray().Max(Math.Abs) < 0.06f); // peak is in the tail beyond 10.24 s
        Assert.Equal([1024, 64], FrontEnd.ReferenceFbank(audio).Shape);
    }

    [Fact]
    public void ShortAndEmptySignalsNeverThrowOrGiveNaN()
    {
        foreach (var n in new[] { 0, 1, 2, 100, 512, 513 })
        {
            var mel = FrontEnd.LogMel(FrontEnd.Normalize(Enumerable.Range(0, n).Select(i => (float)Math.Sin(i)).ToArray()).Samples);
            Assert.Equal(n / 160 + 1, mel.Shape[0]);
            Assert.All(mel.Data, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void TenSecondsOfLogMelIsFast()
    {
        var x = new float[160000];
        var rng = new Random(5);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() - 0.5);
        FrontEnd.LogMel(x.AsSpan(0, 16000)); // warm up the JIT
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var mel = FrontEnd.LogMel(x);
        var used = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Assert.Equal([1001, 64], mel.Shape);
        // CPU time (the test machine is shared); about 20 ms in Release, bound generous for Debug and GC threads.
        Assert.True(used.TotalMilliseconds < 1000, $"{used.TotalMilliseconds:F0} ms CPU");
    }
}
