using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using LatentAudio.IO;
using LatentAudio.Models.Config;
using LatentAudio.Models.Vae;
using LatentAudio.Models.Vocoder;

namespace LatentAudio.Models.Onnx;

/// <summary>
/// Writes the built graphs as standalone .onnx files (weights embedded) that any ONNX Runtime loads, plus
/// <c>latentaudio_model.json</c> with the tensor names, mel configuration and scaling factor.
/// </summary>
public static class OnnxExport
{
    public const string EncoderFile = "vae_encoder.onnx", DecoderFile = "vae_decoder.onnx", VocoderFile = "vocoder.onnx", MetadataFile = "latentaudio_model.json";

    /// <summary>Exports every part the model folder has (vae/, vocoder/); returns the files written.</summary>
    /// <param name="mel">The model's front-end (<c>AudioLdmModel.MelConfig</c>), described in the metadata.</param>
    public static IReadOnlyList<string> Export(ModelLocation model, Dsp.MelConfig mel, string outputFolder, bool overwrite)
    {
        bool hasVae = Directory.Exists(model.VaeFolder), hasVocoder = Directory.Exists(model.VocoderFolder);
        if (!hasVae && !hasVocoder) throw InvalidInputException.ForFile(model.RootFolder, "has neither vae/ nor vocoder/");
        return Write(model.Id, model.Revision, mel, outputFolder, overwrite,
            hasVae ? () => AutoencoderKl.BuildGraphs(model.VaeFolder) : null,
            hasVocoder ? () => HifiGanVocoder.BuildGraph(model.VocoderFolder) : null);
    }

    /// <summary>Exports the VAE and vocoder of an original checkpoint (<c>.pth</c>) with its own front-end.</summary>
    public static IReadOnlyList<string> Export(Original.OriginalCheckpoint checkpoint, string id, string? revision, string outputFolder, bool overwrite)
    {
        var layout = checkpoint.Layout;
        return Write(id, revision, layout.Family.Mel, outputFolder, overwrite,
            () => (layout.Vae, VaeGraphs.BuildEncoder(layout.Vae, checkpoint.VaeWeights), VaeGraphs.BuildDecoder(layout.Vae, checkpoint.VaeWeights)),
            () => (layout.Vocoder, HifiGanGraph.Build(layout.Vocoder, checkpoint.VocoderWeights)));
    }

    private static IReadOnlyList<string> Write(string id, string? revision, Dsp.MelConfig mel, string outputFolder, bool overwrite,
        Func<(VaeConfig, BuiltGraph, BuiltGraph)>? vae, Func<(VocoderConfig, BuiltGraph)>? vocoder)
    {
        Directory.CreateDirectory(outputFolder);
        var written = new List<string>();
        var meta = new JsonObject { ["model"] = id, ["revision"] = revision, ["producer"] = "LatentAudio", ["opset"] = GraphBuilder.Opset };
        if (vae is not null)
        {
            var (config, encoder, decoder) = vae();
            written.Add(Write(outputFolder, EncoderFile, encoder, overwrite));
            written.Add(Write(outputFolder, DecoderFile, decoder, overwrite));
            meta["vae"] = new JsonObject
            {
                ["encoder"] = Describe(EncoderFile, encoder, "log-mel [batch, in_channels, frames, mel_bins] -> posterior mean and clamped logvar [batch, latent_channels, frames/f, mel_bins/f]"),
                ["decoder"] = Describe(DecoderFile, decoder, "latent [batch, latent_channels, t, f] -> log-mel [batch, out_channels, t*f', f*f']"),
                ["latent_channels"] = config.LatentChannels,
                ["downsample_factor"] = config.Downsample,
                ["scaling_factor"] = config.ScalingFactor,
                ["scaling_note"] = "not applied inside the graphs; diffusion-space latent = mean * scaling_factor",
            };
        }
        if (vocoder is not null)
        {
            var (config, graph) = vocoder();
            written.Add(Write(outputFolder, VocoderFile, graph, overwrite));
            meta["vocoder"] = new JsonObject
            {
                ["file"] = VocoderFile,
                ["inputs"] = new JsonArray(graph.Inputs.Select(i => (JsonNode)i).ToArray()),
                ["outputs"] = new JsonArray(graph.Outputs.Select(o => (JsonNode)o).ToArray()),
                ["io"] = "log-mel [batch, frames, mels] -> waveform [batch, hop*frames + extra] in [-1, 1]",
                ["sample_rate"] = config.SamplingRate,
                ["samples_per_frame"] = config.HopLength,
            };
        }
        meta["mel"] = MelDescription(mel);
        var json = meta.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var metaPath = Path.Combine(outputFolder, MetadataFile);
        AtomicFile.WriteAllText(metaPath, json, overwrite);
        written.Add(metaPath);
        return written;
    }

    /// <summary>The log-mel the networks expect: the model's own front-end (AudioLDM2 audioldm2/utils.py get_basic_config()
    /// for the 16 kHz family: natural log of clamp(mel, 1e-5), Slaney mel scale and norm, magnitude STFT).</summary>
    private static JsonObject MelDescription(Dsp.MelConfig c) => new()
    {
        ["sample_rate"] = c.SampleRate, ["n_fft"] = c.NFft, ["win_length"] = c.WinLength, ["hop_length"] = c.Hop, ["n_mels"] = c.NMels,
        ["fmin"] = c.FMin, ["fmax"] = c.FMax, ["mel_scale"] = "slaney", ["mel_norm"] = "slaney", ["magnitude"] = "abs",
        ["log"] = $"ln(max(mel, {c.LogFloor.ToString(System.Globalization.CultureInfo.InvariantCulture)}))", ["layout"] = "time-major [frames, mels]",
        [$"frames_per_{(c.TargetSamples / (double)c.SampleRate).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture).Replace('.', '_')}_s"] = c.TargetFrames,
    };

    private static JsonObject Describe(string file, BuiltGraph g, string io) => new()
    {
        ["file"] = file,
        ["inputs"] = new JsonArray(g.Inputs.Select(i => (JsonNode)i).ToArray()),
        ["outputs"] = new JsonArray(g.Outputs.Select(o => (JsonNode)o).ToArray()),
        ["io"] = io,
    };

    private static string Write(string folder, string name, BuiltGraph graph, bool overwrite)
    {
        var path = Path.Combine(folder, name);
        AtomicFile.Write(path, overwrite, s => graph.Model.WriteTo(s));
        return path;
    }
}
