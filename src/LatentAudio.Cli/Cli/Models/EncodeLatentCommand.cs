using LatentAudio.Audio;
using LatentAudio.Dsp;
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
        "latentaudio encode-latent FILE|MEL.npy --model M -o Z.npy [--sample [--seed N]] [--offset S] [--seconds S] [--channel first|mix] [--threads N] [--provider cpu|cuda] [--force]\n" +
        "  FILE            audio (WAV, FLAC, MP3, Ogg Vorbis): resampled, normalised and turned into the model's log-mel\n" +
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
        double offset = args.Double("--offset") ?? 0;
        double? seconds = args.Double("--seconds");
        var channel = args.Option("--channel") is { } ch ? ChannelModeParser.Parse(ch) : ChannelMode.First;
        if (channel == ChannelMode.Each) throw new UsageException("--channel must be first or mix (one latent per file)");
        var options = ModelCommandOptions.Read(args);
        var input = args.Positionals(1, 1)[0];
        var location = options.Resolve(ModelParts.Vae);
        var mel = input.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)
            ? NpyFile.Read(input)
            : AudioMel(input, offset, seconds, channel, LoadedModel.MelConfigFor(options.Model, location, null));
        using var vae = AutoencoderKl.Load(location, options.Session);
        var shaped = mel.Rank <= 2 || vae.Config.InChannels == 1 ? mel.SqueezeLeading(2) : mel.SqueezeLeading(3);
        var (mean, logVar) = vae.Encode(shaped);
        var latent = sample ? AutoencoderKl.Sample(mean, logVar, seed ?? 0) : mean;
        latent = latent.Reshape(latent.Shape[1..]);
        NpyFile.Write(output, latent, options.Force);
        context.Out.WriteLine($"{output}: latent {latent.ShapeText} ({(sample ? $"posterior sample, seed {seed ?? 0}" : "posterior mean")}) from mel {mel.ShapeText}");
        return CliApp.ExitOk;
    }

    /// <summary>
    /// Audio in: the model-domain log-mel of the whole (windowed) file, normalised once (mean removal, peak 0.5) and
    /// zero-padded as a waveform so the frame count is a multiple of the VAE's factor.
    /// </summary>
    private static Tensor AudioMel(string path, double offset, double? seconds, ChannelMode channel, MelConfig config)
    {
        var audio = AudioFile.Read(path, offset, seconds);
        var frontEnd = new AudioLdmFrontEnd(config);
        var mono = frontEnd.ModelChannels(audio, channel)[0];
        var normalized = frontEnd.Normalize(mono);
        return frontEnd.LogMel(frontEnd.PadToFrameMultiple(normalized.Samples));
    }
}
