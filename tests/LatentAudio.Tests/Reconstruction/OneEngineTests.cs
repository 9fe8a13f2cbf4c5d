using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Quantisation;
using LatentAudio.Reconstruction;
using Xunit;
using Xunit.Abstractions;

namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// reconstruct and the codec run on one engine (windows, VAE, mel cross-fade, chunked vocoding): with the latent
/// left unquantised they give the same samples, bit for bit, and at a fine quantiser step they differ only by what
/// the quantisation changes.
/// </summary>
public sealed class OneEngineTests(ITestOutputHelper output)
{
    private static AudioBuffer Input()
    {
        // 13 s: two windows, so the cross-fade and the neighbours' context are exercised
        var x = AudioFile.Read(TestPaths.Samples("music_brahms.wav")).Channel(0);
        return AudioBuffer.Mono(x.Concat(x.Take(3 * 16000)).ToArray(), 16000);
    }

    [Fact]
    public void CodecRoundTripAndReconstructAgreeUpToQuantisation()
    {
        using var folder = new TinyModel();
        using var model = AudioLdmModel.Load(folder.Folder, ModelParts.All);
        var audio = Input();
        var sink = new MemorySink();
        var report = new Reconstructor(model, new ReconstructSettings(), ReconstructionMetrics.Create(["snr"]))
            .Run(AudioSource.Memory(audio), sink);
        Assert.Equal(2, report.Windows);
        var reconstructed = sink.Outputs[OutputNames.VaeVocoder].Channel(0);
        Assert.Equal(audio.Length, reconstructed.Length);

        var vocoder = model.RequireVocoder();
        float[] Vocode(LatentAudio.Tensors.Tensor mel) => vocoder.Vocode(mel.Reshape(1, mel.Shape[0], mel.Shape[1])).Data;
        var codec = new LatentCodec(model.Vae, model.Identity, model.FrontEnd);

        // unquantised: the same engine, the same numbers
        var ceiling = codec.MelsToAudio(codec.UnquantisedMels(audio, ChannelMode.Each), Vocode).Channel(0);
        Assert.Equal(reconstructed, ceiling);

        double previous = 0;
        foreach (double step in new[] { 3e-4, 1e-3, 1e-2 }) // 3e-4: about the finest the int16 symbols allow here
        {
            using var ms = new MemoryStream();
            codec.Encode(audio, ms, new LatentCodecOptions(QuantiserSettings.FixedStep(step), ChannelMode.Each));
            ms.Position = 0;
            var decoded = codec.DecodeAudio(ms, "memory", Vocode).Channel(0);
            Assert.Equal(audio.Length, decoded.Length);
            double err = 0, sig = 0;
            float max = 0;
            for (int i = 0; i < decoded.Length; i++)
            {
                double d = decoded[i] - reconstructed[i];
                err += d * d; sig += (double)reconstructed[i] * reconstructed[i];
                max = Math.Max(max, Math.Abs((float)d));
            }
            double snr = 10 * Math.Log10(sig / Math.Max(err, 1e-300));
            output.WriteLine($"step {step:G}: codec vs reconstruct max |diff| {max:E2}, SNR {snr:0.0} dB");
            // the difference is the quantisation's: it grows with the step (measured: see the test output)
            Assert.True(max >= previous, $"step {step}: {max} < {previous}");
            if (step == 3e-4) Assert.True(snr > 80, $"finest step: SNR {snr:0.0} dB");
            previous = max;
        }
    }
}
