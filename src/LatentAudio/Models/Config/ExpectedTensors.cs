namespace LatentAudio.Models.Config;

/// <summary>A tensor the config implies, by its state-dict name and shape.</summary>
public sealed record TensorSpec(string Name, int[] Shape)
{
    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}

/// <summary>
/// The state-dict layout (names, shapes, order) that diffusers' AutoencoderKL and transformers' SpeechT5HifiGan
/// create for a config: what a checkpoint must contain before a graph is built from it.
/// </summary>
public static class ExpectedTensors
{
    public static List<TensorSpec> ForVae(VaeConfig c)
    {
        var list = new List<TensorSpec>();
        void Conv(string n, int o, int i, int k) { list.Add(new($"{n}.weight", [o, i, k, k])); list.Add(new($"{n}.bias", [o])); }
        void Norm(string n, int ch) { list.Add(new($"{n}.weight", [ch])); list.Add(new($"{n}.bias", [ch])); }
        void Linear(string n, int ch) { list.Add(new($"{n}.weight", [ch, ch])); list.Add(new($"{n}.bias", [ch])); }
        void Resnet(string n, int i, int o)
        {
            // Registration order in diffusers' ResnetBlock2D: norm1, conv1, norm2, conv2, conv_shortcut.
            Norm($"{n}.norm1", i); Conv($"{n}.conv1", o, i, 3); Norm($"{n}.norm2", o); Conv($"{n}.conv2", o, o, 3);
            if (i != o) Conv($"{n}.conv_shortcut", o, i, 1);
        }
        void Mid(string n, int ch)
        {
            // UNetMidBlock2D registers attentions before resnets.
            if (c.MidBlockAddAttention)
            {
                var a = $"{n}.attentions.0";
                Norm($"{a}.group_norm", ch); Linear($"{a}.to_q", ch); Linear($"{a}.to_k", ch); Linear($"{a}.to_v", ch); Linear($"{a}.to_out.0", ch);
            }
            Resnet($"{n}.resnets.0", ch, ch); Resnet($"{n}.resnets.1", ch, ch);
        }
        var b = c.BlockOutChannels;
        int last = b[^1];
        Conv("encoder.conv_in", b[0], c.InChannels, 3);
        int prev = b[0];
        for (int i = 0; i < b.Length; i++)
        {
            for (int j = 0; j < c.LayersPerBlock; j++) Resnet($"encoder.down_blocks.{i}.resnets.{j}", j == 0 ? prev : b[i], b[i]);
            if (i < b.Length - 1) Conv($"encoder.down_blocks.{i}.downsamplers.0.conv", b[i], b[i], 3);
            prev = b[i];
        }
        Mid("encoder.mid_block", last);
        Norm("encoder.conv_norm_out", last);
        Conv("encoder.conv_out", 2 * c.LatentChannels, last, 3);

        // diffusers' Decoder registers up_blocks before mid_block.
        Conv("decoder.conv_in", last, c.LatentChannels, 3);
        prev = last;
        for (int i = 0; i < b.Length; i++)
        {
            int outCh = b[b.Length - 1 - i];
            for (int j = 0; j < c.LayersPerBlock + 1; j++) Resnet($"decoder.up_blocks.{i}.resnets.{j}", j == 0 ? prev : outCh, outCh);
            if (i < b.Length - 1) Conv($"decoder.up_blocks.{i}.upsamplers.0.conv", outCh, outCh, 3);
            prev = outCh;
        }
        Mid("decoder.mid_block", last);
        Norm("decoder.conv_norm_out", b[0]);
        Conv("decoder.conv_out", c.OutChannels, b[0], 3);
        if (c.UseQuantConv) Conv("quant_conv", 2 * c.LatentChannels, 2 * c.LatentChannels, 1);
        if (c.UsePostQuantConv) Conv("post_quant_conv", c.LatentChannels, c.LatentChannels, 1);
        return list;
    }

    public static List<TensorSpec> ForVocoder(VocoderConfig c)
    {
        var list = new List<TensorSpec>
        {
            // Buffers of the root module come first in its state dict; present even when normalize_before is false.
            new("mean", [c.ModelInDim]), new("scale", [c.ModelInDim]),
            new("conv_pre.weight", [c.UpsampleInitialChannel, c.ModelInDim, 7]), new("conv_pre.bias", [c.UpsampleInitialChannel]),
        };
        for (int i = 0; i < c.UpsampleRates.Length; i++)
        {
            int inCh = c.UpsampleInitialChannel >> i, outCh = c.UpsampleInitialChannel >> (i + 1);
            list.Add(new($"upsampler.{i}.weight", [inCh, outCh, c.UpsampleKernelSizes[i]]));
            list.Add(new($"upsampler.{i}.bias", [outCh]));
        }
        for (int i = 0; i < c.UpsampleRates.Length; i++)
        {
            int ch = c.UpsampleInitialChannel >> (i + 1);
            for (int j = 0; j < c.ResblockKernelSizes.Length; j++)
            {
                int r = i * c.ResblockKernelSizes.Length + j, k = c.ResblockKernelSizes[j];
                foreach (var convs in new[] { "convs1", "convs2" })
                    for (int d = 0; d < c.ResblockDilationSizes[j].Length; d++)
                    {
                        list.Add(new($"resblocks.{r}.{convs}.{d}.weight", [ch, ch, k]));
                        list.Add(new($"resblocks.{r}.{convs}.{d}.bias", [ch]));
                    }
            }
        }
        int lastCh = c.UpsampleInitialChannel >> c.UpsampleRates.Length;
        list.Add(new("conv_post.weight", [1, lastCh, 7]));
        list.Add(new("conv_post.bias", [1]));
        return list;
    }
}
