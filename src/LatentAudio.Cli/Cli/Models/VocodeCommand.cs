using LatentAudio.Audio;
using LatentAudio.Models;
using LatentAudio.Models.Vocoder;
using LatentAudio.Tensors;

namespace LatentAudio.Cli.Models;

/// <summary><c>latentaudio vocode MEL.npy --model M -o OUT.wav|OUT.npy</c>: the model's HiFi-GAN.</summary>
public sealed class VocodeCommand : ICommand
{
    public string Name => "vocode";
    public string Summary => "turn a log-mel .npy into audio with the model's HiFi-GAN vocoder";
    public string Usage =>
        "latentaudio vocode MEL.npy --model M -o OUT.wav|OUT.npy [--format wav16|wav32f] [--threads N] [--provider cpu|cuda] [--force]\n" +
        "  MEL.npy         float32 log-mel [T, mels] (leading 1s allowed)\n" +
        "  -o OUT.wav      mono WAV at the vocoder's rate (16-bit by default; --format wav32f for float)\n" +
        "  -o OUT.npy      the float32 samples, unquantised: [hop*T + extra] (AudioLDM2: 160T + 32)\n" +
        "  --format F      wav16 (default) or wav32f, for OUT.wav\n" +
        ModelCommandOptions.Help + "\n" +
        "Examples:\n" +
        "  latentaudio vocode speech.decoded.npy --model audioldm2 -o speech.vocoded.wav\n" +
        "  latentaudio vocode mel.npy --model samples/demo-model -o samples.npy";

    public int Run(CommandArgs args, CliContext context)
    {
        var output = ModelCommandOptions.RequireOutput(args);
        var format = args.Option("--format") is { } f ? WavWriter.ParseFormat(f) : WavSampleFormat.Pcm16;
        var options = ModelCommandOptions.Read(args);
        var mel = ModelCommandOptions.ReadNpy(args.Positionals(1, 1)[0], "log-mel").SqueezeLeading(2);
        bool npy = output.EndsWith(".npy", StringComparison.OrdinalIgnoreCase);
        if (!npy && !output.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"output '{output}' must end in .wav or .npy");
        using var vocoder = options.LoadVocoder();
        var wave = vocoder.Vocode(mel);
        if (npy) NpyFile.Write(output, wave, options.Force);
        else WavWriter.Write(output, AudioBuffer.Mono(wave.Data, vocoder.SampleRate), format, options.Force);
        context.Out.WriteLine($"{output}: {wave.Length} samples at {vocoder.SampleRate} Hz from mel {mel.ShapeText}");
        return CliApp.ExitOk;
    }
}
