using System.Globalization;
using LatentAudio.Audio;

namespace LatentAudio.Cli;

/// <summary><c>latentaudio info FILE...</c>: format, rate, channels, duration, peak and RMS of each file.</summary>
public sealed class InfoCommand : ICommand
{
    public string Name => "info";
    public string Summary => "format, sample rate, channels, duration, peak and RMS of audio files";
    public string Usage => "latentaudio info FILE... [--json]";

    public int Run(CommandArgs args, CliContext context)
    {
        bool json = args.Flag("--json");
        var files = args.Positionals(min: 1);
        var rows = new List<Dictionary<string, object?>>();
        foreach (var file in files)
        {
            using var reader = AudioFile.OpenReader(file);
            var audio = AudioFile.ReadAll(reader, file);
            audio.EnsureFinite(file);
            var f = reader.Format;
            double peak = audio.Peak(), rms = audio.Rms();
            rows.Add(new()
            {
                ["file"] = file, ["format"] = f.Codec, ["sample_rate"] = f.SampleRate, ["channels"] = f.Channels,
                ["frames"] = audio.Length, ["duration_s"] = audio.DurationSeconds,
                ["peak"] = peak, ["peak_dbfs"] = Db(peak), ["rms"] = rms, ["rms_dbfs"] = Db(rms),
            });
            if (!json)
            {
                context.Out.WriteLine(file);
                context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  format {f.Codec}, {f.SampleRate} Hz, {f.Channels} ch, {audio.Length} frames ({audio.DurationSeconds:0.###} s), peak {peak:0.####} ({Db(peak):0.##} dBFS), RMS {rms:0.####} ({Db(rms):0.##} dBFS)"));
            }
        }
        if (json) context.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(rows.Count == 1 ? (object)rows[0] : rows, JsonOptions));
        return CliApp.ExitOk;
    }

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static double Db(double x) => x > 0 ? 20 * Math.Log10(x) : double.NegativeInfinity;
}
