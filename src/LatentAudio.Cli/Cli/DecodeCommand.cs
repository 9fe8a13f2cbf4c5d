using LatentAudio.Audio;
using LatentAudio.Codec;
using LatentAudio.Codec.Container;

namespace LatentAudio.Cli;

/// <summary><c>latentaudio decode IN.lat... -o OUT [--model M] [--decoder vocoder|griffinlim]</c>: latent file → WAV.</summary>
public sealed class DecodeCommand(ICodecModelProvider models) : ICommand
{
    public DecodeCommand() : this(CodecModels.Default) { }

    public string Name => "decode";
    public string Summary => "decode .lat latent files back to WAV (level, rate and length restored)";
    public string Usage => $"""
        latentaudio decode IN.lat... -o OUT [options]
          Decodes latent files to 16-bit WAV at the input's rate, level and length.
          IN.lat      .lat files, or folders searched recursively for .lat
          -o OUT      output WAV (one input) or folder (several inputs, or a folder), used as given (required)
          --model M   load the model from here instead of the id stored in the file (default: the stored id and
                      revision, from the Hugging Face cache or the hub); its VAE sha256 must match
          --decoder D mel to waveform: vocoder (default: the model's HiFi-GAN) or griffinlim
          --force     replace existing outputs (default: refuse)
        {CliProgress.Help}
        Examples:
          latentaudio decode speech.lat -o speech.wav
          latentaudio decode coded/ -o decoded/ --model samples/demo-model
          latentaudio decode speech.lat -o speech_gl.wav --decoder griffinlim
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        var output = args.Option("-o", "--output") ?? throw new UsageException("-o OUT is required");
        var modelSpec = args.Option("--model");
        var decoder = (args.Option("--decoder") ?? "vocoder").ToLowerInvariant();
        if (decoder is not ("vocoder" or "griffinlim")) throw new UsageException($"--decoder takes vocoder or griffinlim, got '{decoder}'");
        bool force = args.Flag("--force"), quiet = args.Flag("--quiet", "-q");
        var jobs = CodecPaths.Jobs(args.Positionals(min: 1), output, ".wav", [LatentFileFormat.Extension]);
        using var progress = CliProgress.For(context, quiet, jobs.Count);

        CodecModel? model = null;
        try
        {
            foreach (var (input, target) in jobs)
            {
                progress.Next(input);
                LatentFileHeader header;
                using (var peek = File.OpenRead(input)) header = LatentFileReader.Open(peek, input).Header;
                if (model is null || !model.Identity.SameWeights(header.Model))
                {
                    model?.Dispose();
                    model = models.Load(modelSpec ?? header.Model.Id, modelSpec is null && header.Model.Revision.Length > 0 ? header.Model.Revision : null);
                }
                var vocode = decoder == "vocoder"
                    ? model.Vocoder ?? throw new LatentAudioException($"model {model.Identity} has no vocoder loaded")
                    : model.GriffinLim ?? throw new LatentAudioException("the Griffin-Lim decoder is not available in this build");
                var codec = new LatentCodec(model.Vae, model.Identity, model.FrontEnd);
                // streamed: chunk by chunk in, window by window through the VAE and vocoder, block by block out
                using var fs = File.OpenRead(input);
                var reader = codec.OpenChecked(fs, input);
                var h = reader.Header;
                long wavBytes = h.SampleLength * h.Streams.Length * 2L;
                if (wavBytes > uint.MaxValue - 44)
                    throw InvalidInputException.ForFile(input, $"decodes to {h.SampleLength} samples x {h.Streams.Length} channels, more than a WAV file holds (4 GiB)");
                using var wav = new WavStreamWriter(target, h.Streams.Length, h.SampleRate, WavSampleFormat.Pcm16, force);
                // Griffin-Lim chunks start from their own random phases: blended at equal power, not linearly
                codec.DecodeTo(reader, vocode, (planar, count) => wav.Write(planar, 0, count),
                    decoder == "vocoder" ? LatentAudio.Engine.CrossfadeShape.Linear : LatentAudio.Engine.CrossfadeShape.EqualPower);
                wav.Complete();
                progress.Clear();
                context.Out.WriteLine($"{input} -> {target} ({h.Streams.Length} ch, {h.SampleRate} Hz, {wav.FramesWritten} samples, {decoder})");
            }
        }
        finally { model?.Dispose(); }
        return CliApp.ExitOk;
    }
}
