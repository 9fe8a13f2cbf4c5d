using LatentAudio.Codec;
using LatentAudio.Codec.Container;
using LatentAudio.Codec.Entropy;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Audio;

namespace LatentAudio.Fuzz;

/// <summary>
/// A small, valid latent file written through the codec's own writer and block coder (2 s mono, AudioLDM2 shapes,
/// 4 windows) without a VAE: the latent values are a deterministic pattern. Seeds the codec target.
/// </summary>
internal static class CodecSeed
{
    public static void Write(string path)
    {
        var model = new ModelIdentity("fuzz/seed-vae", "0", new byte[32]);
        var header = new LatentFileHeader(model, 16000, 1, ChannelMode.Mix, 32000, [new StreamLevel(0.001, 2.5)], 16000,
            160, 64, 8, 4, 200, 64, 16, StepMode.Fixed, 0.05f, 16, ProbabilityModelPolicy.Smallest);
        using var fs = File.Create(path);
        var writer = new LatentFileWriter(fs, header);
        int rows = header.LatentRows;
        foreach (var w in header.Plan().Windows)
        {
            var values = new float[header.LatentChannels * w.OwnedLength * rows];
            for (int i = 0; i < values.Length; i++) values[i] = MathF.Sin(0.37f * i + w.Index) * (1 + i % 5);
            var block = new LatentBlock(values, header.LatentChannels, w.OwnedLength, rows);
            writer.WriteWindow(0, w, LatentBlockCoder.Encode(block, QuantiserSettings.FixedStep(0.05), header.PrecisionBits, header.ModelPolicy));
        }
        writer.Finish();
    }
}
