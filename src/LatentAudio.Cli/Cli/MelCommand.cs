using System.Globalization;
using LatentAudio.Audio;
using LatentAudio.Dsp;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Tensors;

namespace LatentAudio.Cli;

/// <summary>
/// <c>latentaudio mel FILE -o OUT.npy</c>: the AudioLDM2 model-domain log-mel the VAE is given ([T, 64] float32,
/// framed by the model's <c>FrameRule</c>), or with <c>--reference</c> exactly what AudioLDM2's wav_to_fbank gives
/// ([1024, 64], comparable with the golden <c>*.fbank.npy</c>); for inputs up to 10.24 s the two agree.
/// </summary>
public sealed class MelCommand : ICommand
{
    public string Name => "mel";
    public string Summary => "AudioLDM2 log-mel of an audio file as a .npy ([T, 64] float32)";
    public string Usage =>
        """
        latentaudio mel FILE -o OUT.npy [--offset S] [--seconds S] [--channel first|mix] [--reference] [--force]
          Resamples to 16 kHz, removes the mean, scales to peak 0.5, zero-pads to T*160 samples and writes the
          natural-log mel (n_fft 1024, hop 160, 64 Slaney mels 0-8000 Hz) as float32 [T, 64]: the frames the VAE
          is given, T = max(1024, ceil(N/160) rounded up to a multiple of 4) (AudioLDM2 pads short clips to 10.24 s).
          -o OUT.npy           output file (required)
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
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        var output = args.Option("--output", "-o") ?? throw new UsageException("missing -o OUT.npy");
        double offset = args.Double("--offset") ?? 0;
        double? seconds = args.Double("--seconds");
        var channelText = args.Option("--channel") ?? "first";
        bool reference = args.Flag("--reference");
        bool force = args.Flag("--force");
        var truncation = TruncationOption.Read(args);
        var file = args.Positionals(min: 1, max: 1)[0];
        var mode = ChannelModeParser.Parse(channelText);
        if (mode == ChannelMode.Each) throw new UsageException("--channel must be first or mix (a .npy holds one mel)");
        if (!force && File.Exists(output)) throw InvalidInputException.ForFile(output, "already exists (use --force to overwrite)");

        var truncated = new List<string>();
        var audio = AudioFile.Read(file, offset, seconds, truncation.For(truncated)).ToMono(mode);
        TruncationOption.Warn(context, Name, truncated);
        var frontEnd = new AudioLdmFrontEnd(MelConfig.AudioLdm16k);
        Tensor mel;
        if (reference) mel = frontEnd.ReferenceFbank(audio);
        else
        {
            var mono = frontEnd.ModelChannels(audio, ChannelMode.First)[0];
            mel = frontEnd.ModelMel(frontEnd.Normalize(mono).Samples);
        }
        NpyFile.Write(output, mel, force);
        context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{output}: log-mel {mel.ShapeText} float32 ({(reference ? "AudioLDM2 wav_to_fbank" : "model domain")}, {audio.DurationSeconds:0.###} s of {file} at {audio.SampleRate} Hz, channel {channelText})"));
        return CliApp.ExitOk;
    }
}
