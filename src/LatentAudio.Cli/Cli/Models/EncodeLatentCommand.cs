using LatentAudio.Models;
using LatentAudio.Models.Vae;
using LatentAudio.Tensors;

namespace LatentAudio.Cli.Models;

/// <summary><c>latentaudio encode-latent MEL.npy --model M -o Z.npy [--sample --seed N]</c>: the VAE posterior of a log-mel.</summary>
public sealed class EncodeLatentCommand : ICommand
{
    public string Name => "encode-latent";
    public string Summary => "VAE-encode a log-mel .npy into a latent .npy (posterior mean or a seeded sample)";
    public string Usage =>
        "latentaudio encode-latent MEL.npy --model M -o Z.npy [--sample [--seed N]] [--threads N] [--provider cpu|cuda] [--force]\n" +
        "  MEL.npy         float32 log-mel [T, mels] (leading 1s allowed: [1, 1, T, mels]), e.g. AudioLDM2's wav_to_fbank\n" +
        "  -o Z.npy        float32 latent [latent_channels, T/f, mels/f] (AudioLDM2: [8, T/4, 16]); T mod f frames are dropped\n" +
        "  --sample        draw mean + exp(logvar/2) * N(0,1) instead of the mean; --seed N makes it repeatable (default 0)\n" +
        ModelCommandOptions.Help;

    public int Run(CommandArgs args, CliContext context)
    {
        var output = ModelCommandOptions.RequireOutput(args);
        bool sample = args.Flag("--sample");
        int? seed = args.Int("--seed");
        if (seed is not null && !sample) throw new UsageException("--seed needs --sample");
        var options = ModelCommandOptions.Read(args);
        var input = args.Positionals(1, 1)[0];
        if (!input.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw InvalidInputException.ForFile(input,
                "audio input to encode-latent is not supported yet (the AudioLDM2 front-end is not wired in); pass a log-mel .npy");
        var mel = NpyFile.Read(input);
        using var vae = AutoencoderKl.Load(options.Resolve(ModelParts.Vae), options.Session);
        var shaped = mel.Rank <= 2 || vae.Config.InChannels == 1 ? mel.SqueezeLeading(2) : mel.SqueezeLeading(3);
        var (mean, logVar) = vae.Encode(shaped);
        var latent = sample ? AutoencoderKl.Sample(mean, logVar, seed ?? 0) : mean;
        latent = latent.Reshape(latent.Shape[1..]);
        NpyFile.Write(output, latent, options.Force);
        context.Out.WriteLine($"{output}: latent {latent.ShapeText} ({(sample ? $"posterior sample, seed {seed ?? 0}" : "posterior mean")}) from mel {mel.ShapeText}");
        return CliApp.ExitOk;
    }
}
