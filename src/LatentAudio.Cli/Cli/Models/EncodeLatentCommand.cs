using LatentAudio.Audio;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Models.Vae;
using LatentAudio.Tensors;

namespace LatentAudio.Cli.Models;

/// <summary><c>latentaudio encode-latent AUDIO|MEL.npy --model M -o Z.npy [--sample --seed N]</c>: the VAE posterior.</summary>
public sealed class EncodeLatentCommand : ICommand
{
    public string Name => "encode-latent";
    public string Summary => "VAE-encode audio or a log-mel .npy into a latent .npy (posterior mean or a seeded sample)";
    public string Usage =>
        "latentaudio encode-latent FILE|MEL.npy --model M -o Z.npy [--sample [--seed N]] [--offset S] [--seconds S] [--channel first|mix] [--threads N] [--provider cpu|cuda] [--force]\n" +
        "  FILE            audio (WAV, FLAC, MP3, Ogg Vorbis), through the same engine as reconstruct and encode: resampled,\n" +
        "                  normalised over the whole input, zero-padded to at least one 10.24 s window (AudioLDM2's pad_wav),\n" +
        "                  windows of 1024 frames overlapping by 128; the latent is every window's own frames, [8, T/4, 16]\n" +
        "  MEL.npy         float32 log-mel [T, mels] (leading 1s allowed: [1, 1, T, mels]), e.g. AudioLDM2's wav_to_fbank;\n" +
        "                  encoded in one call (T mod 4 frames are dropped by the VAE)\n" +
        "  -o Z.npy        float32 latent [latent_channels, T/f, mels/f] (AudioLDM2: [8, T/4, 16])\n" +
        "  --sample        draw mean + exp(logvar/2) * N(0,1) instead of the mean; --seed N makes it repeatable (default 0)\n" +
        "  --channel       first (default: channel 0, what AudioLDM2 does) or mix (the mean of all channels)\n" +
        "                  (reconstruct defaults to each channel on its own, encode and rd to mix)\n" +
        "  --offset S      start this many seconds into FILE (default 0); --seconds S: only this long (default: to the end)\n" +
        "  --allow-truncated  read a file shorter than its header declares as far as it goes (default: refuse it)\n" +
        ModelCommandOptions.Help + "\n" +
        "Examples:\n" +
        "  latentaudio encode-latent speech.wav --model audioldm2 -o speech.latent.npy\n" +
        "  latentaudio encode-latent speech.fbank.npy --model audioldm2 -o z.npy --sample --seed 3\n" +
        "  latentaudio encode-latent song.flac --model samples/demo-model -o z.npy --offset 30 --seconds 10 --channel mix";

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
        var truncation = TruncationOption.Read(args);
        var input = args.Positionals(1, 1)[0];
        using var model = AudioLdmModel.Load(options.Model, ModelParts.Vae, options.Session);
        Tensor latent;
        string from;
        if (input.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var mel = NpyFile.Read(input);
            var shaped = mel.Rank <= 2 || model.Vae.LatentChannels == 1 ? mel.SqueezeLeading(2) : mel.SqueezeLeading(3);
            var (mean, logVar) = model.Vae.Encode(shaped);
            latent = sample ? AutoencoderKl.Sample(mean, logVar, seed ?? 0) : mean;
            latent = latent.Reshape(latent.Shape[1..]);
            from = $"mel {mel.ShapeText}";
        }
        else
        {
            var encoder = new WindowedLatentEncoder(model.Vae, model.FrontEnd, sample ? seed ?? 0 : null);
            var cfg = model.MelConfig;
            var truncated = new List<string>();
            var (z, mel, _) = encoder.EncodeWhole(AudioSource.File(input, offset, seconds, truncation.For(truncated)), channel, cfg.TargetFrames, LatentWindowPlan.DefaultOverlapMelFrames);
            TruncationOption.Warn(context, Name, truncated);
            latent = z;
            from = $"{input} (mel {mel.ShapeText})";
        }
        NpyFile.Write(output, latent, options.Force);
        context.Out.WriteLine($"{output}: latent {latent.ShapeText} ({(sample ? $"posterior sample, seed {seed ?? 0}" : "posterior mean")}) from {from}");
        return CliApp.ExitOk;
    }
}
