using System.Globalization;
using LatentAudio.Audio;

namespace LatentAudio.Cli;

/// <summary><c>latentaudio info FILE...</c>: format, rate, channels, duration, peak and RMS of each file (or of a window).</summary>
public sealed class InfoCommand : ICommand
{
    public string Name => "info";
    public string Summary => "format, sample rate, channels, duration, peak and RMS of audio files";
    public string Usage => """
        latentaudio info FILE... [--offset S] [--seconds S] [--json]
          Format, sample rate, channels, duration, peak and RMS of each file (WAV, FLAC, MP3, Ogg Vorbis), streamed.
          FILE        audio files (not folders)
          --offset S  measure peak and RMS from this many seconds in (default 0)
          --seconds S only this many seconds (default: to the end)
          --json      one JSON object per file (an array for several) instead of text
          --allow-truncated  read a file shorter than its header declares as far as it goes, with a note
                             (default: refuse it, naming both lengths)
        Examples:
          latentaudio info samples/speech_libri1.wav
          latentaudio info a.flac b.mp3 --json
          latentaudio info long.wav --offset 60 --seconds 10
        """;

    public int Run(CommandArgs args, CliContext context)
    {
        bool json = args.Flag("--json");
        double offset = args.Double("--offset") ?? 0;
        double? seconds = args.Double("--seconds");
        var truncation = TruncationOption.Read(args);
        var files = args.Positionals(min: 1);
        var rows = new List<Dictionary<string, object?>>();
        var batch = new BatchRunner(Name, context);
        foreach (var file in files) batch.Run(file, () =>
        {
            var notes = new List<string>();
            using var reader = AudioFile.OpenReader(file, truncation.For(notes));
            // Streamed: only running sums are kept, so a 2-hour file is measured without being loaded.
            var stats = AudioStats.Measure(reader, file, offset, seconds);
            TruncationOption.Warn(context, Name, notes);
            var f = reader.Format;
            double peak = stats.Peak, rms = stats.Rms;
            rows.Add(new()
            {
                ["file"] = file, ["format"] = f.Codec, ["sample_rate"] = f.SampleRate, ["channels"] = f.Channels,
                ["bits_per_sample"] = f.BitsPerSample, ["offset_s"] = offset,
                ["frames"] = stats.Frames, ["duration_s"] = stats.DurationSeconds,
                ["peak"] = peak, ["peak_dbfs"] = Db(peak), ["rms"] = rms, ["rms_dbfs"] = Db(rms),
            });
            if (!json)
            {
                string bits = f.BitsPerSample is int b && !f.Codec.StartsWith("WAV", StringComparison.Ordinal) ? $" {b}-bit," : "";   // WAV codec names carry it
                string window = offset > 0 || seconds is not null ? string.Create(CultureInfo.InvariantCulture, $" from {offset:0.###} s") : "";
                context.Out.WriteLine(file);
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  format {f.Codec},{bits} {f.SampleRate} Hz, {f.Channels} ch, {stats.Frames} frames ({stats.DurationSeconds:0.###} s){window}, peak {peak:0.####} ({Db(peak):0.##} dBFS), RMS {rms:0.####} ({Db(rms):0.##} dBFS)"));
            }
            return BatchOutcome.Done;
        });
        if (json && rows.Count > 0) context.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(files.Count == 1 ? (object)rows[0] : rows, JsonOptions));
        return batch.Finish();
    }

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static double Db(double x) => x > 0 ? 20 * Math.Log10(x) : double.NegativeInfinity;
}
