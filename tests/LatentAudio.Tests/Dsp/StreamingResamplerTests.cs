using LatentAudio.Dsp;

namespace LatentAudio.Tests.Dsp;

public class StreamingResamplerTests
{
    [Theory]
    [InlineData(44100, 16000)]
    [InlineData(48000, 16000)]
    [InlineData(16000, 44100)]
    [InlineData(22050, 16000)]
    [InlineData(8000, 16000)]
    [InlineData(16000, 16000)]
    public void Blockwise_output_equals_the_whole_signal_resampled(int from, int to)
    {
        var rng = new Random(from + to);
        var x = new float[from / 3 + 17];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var whole = new Resampler(from, to).Process(x);

        var streaming = new StreamingResampler(from, to);
        var output = new List<float>();
        var pull = new float[777];
        int pos = 0;
        while (pos < x.Length)
        {
            int n = Math.Min(rng.Next(1, 5000), x.Length - pos);
            streaming.Push(x.AsSpan(pos, n));
            pos += n;
            for (int got; (got = streaming.Pull(pull)) > 0;) output.AddRange(pull.AsSpan(0, got).ToArray());
        }
        streaming.Complete();
        for (int got; (got = streaming.Pull(pull)) > 0;) output.AddRange(pull.AsSpan(0, got).ToArray());

        Assert.Equal(whole.Length, output.Count);
        for (int i = 0; i < whole.Length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(whole[i]), BitConverter.SingleToInt32Bits(output[i])); // bit for bit
    }

    [Fact]
    public void Input_shorter_than_the_kernel_still_gives_the_full_length()
    {
        var x = new float[] { 0.5f, -0.25f, 0.125f };
        var whole = new Resampler(44100, 16000).Process(x);
        var streaming = new StreamingResampler(44100, 16000);
        streaming.Push(x);
        streaming.Complete();
        var output = new float[10];
        int got = streaming.Pull(output);
        Assert.Equal(whole, output[..got]);
    }
}
