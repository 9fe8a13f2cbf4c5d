using LatentAudio.Models;
using LatentAudio.Models.Vae;
using LatentAudio.Tensors;

namespace LatentAudio.Cli.Models;

/// <summary><c>latentaudio decode-latent Z.npy --model M -o MEL.npy</c>: the VAE decoder.</summary>
public sealed class DecodeLatentCommand : ICommand
{
    public string Name => "decode-latent";
    public string Summary => "VAE-decode a latent .npy into a log-mel .npy";
    public string Usage =>
        "latentaudio decode-latent Z.npy --model M -o MEL.npy [--threads N] [--provider cpu|cuda] [--force]\n" +
        "  Z.npy           float32 latent [latent_channels, t, f] (leading 1s allowed)\n" +
        "  -o MEL.npy      float32 log-mel [t*f', f*f'] (time-major, what vocode reads; AudioLDM2: [4t, 64])\n" +
        ModelCommandOptions.Help + "\n" +
        "Examples:\n" +
        "  latentaudio decode-latent speech.latent.npy --model audioldm2 -o speech.decoded.npy\n" +
        "  latentaudio decode-latent z.npy --model samples/demo-model -o mel.npy --threads 2";

    public int Run(CommandArgs args, CliContext context)
    {
        var output = ModelCommandOptions.RequireOutput(args);
        var options = ModelCommandOptions.Read(args);
        var latent = ModelCommandOptions.ReadNpy(args.Positionals(1, 1)[0], "latent").SqueezeLeading(3);
        using var vae = options.LoadVae();
        var mel = vae.Decode(latent);
        mel = vae.Config.OutChannels == 1 ? mel.Reshape(mel.Shape[2..]) : mel.Reshape(mel.Shape[1..]);
        NpyFile.Write(output, mel, options.Force);
        context.Out.WriteLine($"{output}: log-mel {mel.ShapeText} from latent {latent.ShapeText}");
        return CliApp.ExitOk;
    }
}
