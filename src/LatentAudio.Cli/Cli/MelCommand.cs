using System.Globalization;
using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Tensors;

namespace LatentAudio.Cli;

/// <summary>
/// <c>latentaudio mel FILE -o OUT.npy [--model M]</c>: the model-domain log-mel the VAE is given ([T, mels] float32,
/// framed by the model's <c>FrameRule</c>; AudioLDM2's 16 kHz front-end unless <c>--model</c> names another), or with
/// <c>--reference</c> exactly what AudioLDM2's wav_to_fbank gives ([1024, mels], comparable with the golden
/// <c>*.fbank.npy</c>); for inputs up to 10.24 s the two agree.
/// </summary>
public sealed class MelCommand : ICommand
{
    public string Name => "mel";
    public string Summary => "a model's log-mel of an audio file as a .npy ([T, 64] float32 for AudioLDM2)";
    public string Usage =>
        """
        latentaudio mel FILE -o OUT.npy [--model M] [--offset S] [--seconds S] [--channel first|mix] [--reference] [--force]
          Resamples to the model's rate, removes the mean, scales to peak 0.5, zero-pads to T*hop samples and
          writes the natural-log mel as float32 [T, mels]: the frames the VAE is given, T = max(1024, ceil(N/hop)
          rounded up to the VAE's multiple) (AudioLDM2 pads short clips to 10.24 s). Without --model: AudioLDM2's
          16 kHz front-end (n_fft 1024, hop 160, 64 Slaney mels 0-8000 Hz, multiple 4).
          -o OUT.npy           output file (required)
          --model M            use this model's front-end (folder, hub id, alias or original .pth; e.g.
                               audioldm-48k: 48 kHz, n_fft 2048, hop 480, 256 mels 20-24000 Hz, multiple 8);
                               only its configuration is read, the networks are not built (default: AudioLDM2's)
          --channel first|mix  channel 0 (default, what AudioLDM2 does) or the mean of all channels
                               (reconstruct defaults to each channel on its own, encode and rd to mix)
          --reference          AudioLDM2 wav_to_fbank to the letter: zero-pad to 10.24 s, peak 0.5 again,
                               crop to 1024 frames -> [1024, 64] (default: the model-domain frames above)
          --offset S           start this many seconds in (default 0)
          --seconds S          only this many seconds (default: to the end)
          --force              overwrite OUT.npy if it exists (default: refuse)
          --allow-truncated  read a file shorter than its header declares as far as it goes, with a note
                             (default: refuse it, naming both lengths)
        Examples:
          latentaudio mel speech.wav -o speech.mel.npy                 the frames the VAE is given
          latentaudio mel speech.wav -o speech.fbank.npy --reference   comparable with AudioLDM2's wav_to_fbank
          latentaudio mel stereo.flac -o mix.npy --channel mix --offset 5 --seconds 10
          latentaudio mel music.wav -o music48k.npy --model audioldm-48k           the 48 kHz model's [T, 256]
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        var output = args.Option("--output", "-o") ?? throw new UsageException("missing -o OUT.npy");
        double offset = args.Double("--offset") ?? 0;
        double? seconds = args.Double("--seconds");
        var channelText = args.Option("--channel") ?? "first";
        bool reference = args.Flag("--reference");
        bool force = args.Flag("--force");
        var modelSpec = args.Option("--model", "-m");
        var truncation = TruncationOption.Read(args);
        var file = args.Positionals(min: 1, max: 1)[0];
        var mode = ChannelModeParser.Parse(channelText);
        if (mode == ChannelMode.Each) throw new UsageException("--channel must be first or mix (a .npy holds one mel)");
        if (!force && File.Exists(output)) throw InvalidInputException.ForFile(output, "already exists (use --force to overwrite)");

        var truncated = new List<string>();
        var audio = AudioFile.Read(file, offset, seconds, truncation.For(truncated)).ToMono(mode);
        TruncationOption.Warn(context, Name, truncated);
        var frontEnd = new AudioLdmFrontEnd(modelSpec is null ? MelConfig.AudioLdm16k : AudioLdmModel.ReadMelConfig(modelSpec));
        Tensor mel;
        if (reference) mel = frontEnd.ReferenceFbank(audio);
        else
        {
            var mono = frontEnd.ModelChannels(audio, ChannelMode.First)[0];
            mel = frontEnd.ModelMel(frontEnd.Normalize(mono).Samples);
        }
        NpyFile.Write(output, mel, force);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{output}: log-mel {mel.ShapeText} float32 ({(reference ? "AudioLDM2 wav_to_fbank" : "model domain")} at {frontEnd.SampleRate} Hz, {audio.DurationSeconds:0.###} s of {file} at {audio.SampleRate} Hz, channel {channelText})"));
        return CliApp.ExitOk;
    }
}
