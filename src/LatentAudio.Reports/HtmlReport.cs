using System.Globalization;
using System.Net;
using System.Text;
using LatentAudio.Audio;
using LatentAudio.Reconstruction;

namespace LatentAudio.Reports;

/// <summary>
/// report.html: one self-contained page (images and audio embedded as data URIs, no network), metrics table
/// first, then per output its log-mel beside the input's, the difference, and a player. Readable on a phone.
/// </summary>
public static class HtmlReport
{
    public static string Build(ReconstructionReport r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string title = $"Reconstruction of {Path.GetFileName(r.InputPath)}";
        sb.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.AppendLine($"<title>{E(title)}</title><style>{Css}</style></head><body>");
        if (r.Model.Warning is { } warning) sb.AppendLine($"<p class=\"warning\" id=\"warning\"><strong>WARNING — {E(warning)}</strong></p>");
        sb.AppendLine($"<h1>{E(title)}</h1>");
        sb.AppendLine(string.Create(inv, $"<p>Model <code>{E(r.Model.Id)}</code>{(r.Model.Revision is null ? "" : $" @ <code>{E(r.Model.Revision)}</code>")}; {r.DurationSeconds:0.###} s at {r.ModelSampleRate} Hz, {r.Channels} channel(s), {r.Windows} window(s). Metrics at {r.ModelSampleRate} Hz against the input.</p>"));

        var table = new ReportTable(r);
        sb.AppendLine("<div class=\"scroll\"><table id=\"metrics\"><thead><tr><th>output</th>");
        foreach (var c in table.Columns) sb.Append($"<th>{E(c)}</th>");
        sb.AppendLine("</tr></thead><tbody>");
        foreach (var (output, cells) in table.Rows)
        {
            sb.Append($"<tr data-output=\"{E(output)}\"><th>{E(output)}</th>");
            foreach (var cell in cells) sb.Append($"<td>{E(cell)}</td>");
            sb.AppendLine("</tr>");
        }
        sb.AppendLine("</tbody></table></div>");
        if (table.Footnotes.Count > 0 || table.LevelDomain is not null)
        {
            sb.AppendLine("<ul class=\"footnotes\">");
            if (table.LevelDomain is { } domain) sb.AppendLine($"<li>{E(domain)}</li>");
            foreach (var f in table.Footnotes) sb.AppendLine($"<li>{E(f.Text)}</li>");
            sb.AppendLine("</ul>");
        }

        sb.AppendLine("<h2>Where the loss is</h2><ul>");
        foreach (var line in ReportTable.Attribution(r)) sb.AppendLine($"<li>{E(line)}</li>");
        sb.AppendLine("</ul>");

        r.Mels.TryGetValue(OutputNames.Input, out var inputMel);
        string inputImage = inputMel is null ? "" : Png(SpectrogramImage.LogMelPng(inputMel));
        sb.AppendLine("<section class=\"output\" id=\"out-input\"><h2>input</h2>");
        sb.AppendLine($"<p>{E(OutputNames.Describe(OutputNames.Input))}</p>");
        if (inputMel is not null) sb.AppendLine($"<figure><img alt=\"log-mel of input\" src=\"{inputImage}\"><figcaption>input log-mel</figcaption></figure>");
        Player(sb, r, OutputNames.Input);
        sb.AppendLine("</section>");

        foreach (var o in r.Outputs)
        {
            sb.AppendLine($"<section class=\"output\" id=\"out-{E(o.Name)}\"><h2>{E(o.Name)}</h2><p>{E(o.Description)}</p><div class=\"figs\">");
            if (inputMel is not null && r.Mels.TryGetValue(o.Name, out var mel))
            {
                sb.AppendLine($"<figure><img alt=\"log-mel of input\" src=\"{inputImage}\"><figcaption>input</figcaption></figure>");
                sb.AppendLine($"<figure><img alt=\"log-mel of {E(o.Name)}\" src=\"{Png(SpectrogramImage.LogMelPng(mel))}\"><figcaption>{E(o.Name)}</figcaption></figure>");
                sb.AppendLine($"<figure><img alt=\"difference {E(o.Name)} minus input\" src=\"{Png(SpectrogramImage.DifferencePng(inputMel, mel))}\"><figcaption>difference (red: louder than input, blue: quieter)</figcaption></figure>");
            }
            sb.AppendLine("</div>");
            Player(sb, r, o.Name);
            sb.AppendLine("</section>");
        }

        sb.AppendLine("<h2>Notes</h2><ul>");
        foreach (var n in r.Notes) sb.AppendLine($"<li>{E(n)}</li>");
        sb.AppendLine("</ul><h2>Timing</h2><table><thead><tr><th>stage</th><th>seconds</th></tr></thead><tbody>");
        foreach (var (stage, s) in r.StageSeconds) sb.AppendLine(string.Create(inv, $"<tr><td>{E(stage)}</td><td>{s:0.000}</td></tr>"));
        sb.AppendLine(string.Create(inv, $"<tr><th>total</th><th>{r.TotalSeconds:0.000}</th></tr></tbody></table><p>Real-time factor {r.RealTimeFactor:0.000}.</p>"));
        sb.AppendLine("</body></html>");
        return sb.ToString();
    }

    private static void Player(StringBuilder sb, ReconstructionReport r, string name)
    {
        if (!r.Previews.TryGetValue(name, out var audio)) return;
        using var ms = new MemoryStream();
        WavWriter.Write(ms, audio, WavSampleFormat.Pcm16);
        sb.AppendLine($"<audio controls preload=\"none\" data-output=\"{E(name)}\" src=\"data:audio/wav;base64,{Convert.ToBase64String(ms.ToArray())}\"></audio>");
    }

    private static string Png(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);
    private static string E(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 12px;line-height:1.4}
        .scroll{overflow-x:auto}table{border-collapse:collapse;font-size:14px}
        th,td{border:1px solid #ccc;padding:3px 6px;text-align:right;white-space:nowrap}th:first-child{text-align:left}
        .figs{display:flex;flex-wrap:wrap;gap:8px}figure{margin:0;flex:1 1 300px;min-width:0}
        img{width:100%;height:auto;image-rendering:pixelated;border:1px solid #ddd}figcaption{font-size:12px;color:#555}
        audio{width:100%;margin:6px 0}code{background:#f3f3f3;padding:0 3px}
        .warning{background:#b00020;color:#fff;padding:10px 12px;font-size:18px}
        """;
}
