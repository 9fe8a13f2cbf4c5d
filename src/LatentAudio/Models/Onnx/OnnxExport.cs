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
    public static IReadOnlyList<string> Export(ModelLocation model, string outputFolder, bool overwrite)
    {
        bool hasVae = Directory.Exists(model.VaeFolder), hasVocoder = Directory.Exists(model.VocoderFolder);
        if (!hasVae && !hasVocoder) throw InvalidInputException.ForFile(model.RootFolder, "has neither vae/ nor vocoder/");
        Directory.CreateDirectory(outputFolder);
        var written = new List<string>();
        var meta = new JsonObject { ["model"] = model.Id, ["revision"] = model.Revision, ["producer"] = "LatentAudio", ["opset"] = GraphBuilder.Opset };
        VocoderConfig? vocoderConfig = null;
        if (hasVae)
        {
            var (config, encoder, decoder) = AutoencoderKl.BuildGraphs(model.VaeFolder);
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
        if (hasVocoder)
        {
            var (config, graph) = HifiGanVocoder.BuildGraph(model.VocoderFolder);
            vocoderConfig = config;
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
        meta["mel"] = MelDescription(vocoderConfig);
        var json = meta.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        var metaPath = Path.Combine(outputFolder, MetadataFile);
        AtomicFile.WriteAllText(metaPath, json, overwrite);
        written.Add(metaPath);
        return written;
    }

    /// <summary>
    /// The log-mel the networks expect. Every 16 kHz AudioLDM/AudioLDM2/MusicLDM model uses AudioLDM2's
    /// get_basic_config() front-end (audioldm2/utils.py: 1024/1024/160, 64 mels, 0-8000 Hz, natural log of
    /// clamp(mel, 1e-5)); other rates are stated only as far as the vocoder config tells.
    /// </summary>
    private static JsonObject MelDescription(VocoderConfig? v)
    {
        if (v is null || (v.SamplingRate == 16000 && v.HopLength == 160 && v.ModelInDim == 64))
            return new JsonObject
            {
                ["sample_rate"] = 16000, ["n_fft"] = 1024, ["win_length"] = 1024, ["hop_length"] = 160, ["n_mels"] = 64,
                ["fmin"] = 0, ["fmax"] = 8000, ["mel_scale"] = "slaney", ["mel_norm"] = "slaney", ["magnitude"] = "abs",
                ["log"] = "ln(max(mel, 1e-5))", ["layout"] = "time-major [frames, mels]", ["frames_per_10_24_s"] = 1024,
            };
        return new JsonObject { ["sample_rate"] = v.SamplingRate, ["hop_length"] = v.HopLength, ["n_mels"] = v.ModelInDim, ["layout"] = "time-major [frames, mels]" };
    }

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
