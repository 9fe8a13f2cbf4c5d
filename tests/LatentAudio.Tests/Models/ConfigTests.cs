using System.Text.Json;
using LatentAudio.Models.Config;
using LatentAudio.Models.Safetensors;
using LatentAudio.Models.Vae;

namespace LatentAudio.Tests.Models;

public sealed class ConfigTests
{
    private static string Full(string f) => TestPaths.Fixtures("models", "fullsize", f);

    private static List<(string Key, int[] Shape)> ReferenceLayout(string part)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Full("state_dict_keys.json")));
        return doc.RootElement.GetProperty(part).EnumerateArray()
            .Select(e => (e.GetProperty("key").GetString()!, e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray())).ToList();
    }

    [Fact]
    public void FullSizeVaeConfigImpliesExactlyTheReferenceStateDict()
    {
        var c = VaeConfig.Load(Full("cvssp_audioldm2_vae_config.json"));
        // The 2023 config lacks these keys: diffusers' defaults apply.
        Assert.True(c.MidBlockAddAttention && c.UseQuantConv && c.UsePostQuantConv);
        Assert.Equal(4, c.Downsample);
        Assert.Equal(0.4110932946205139, c.ScalingFactor);
        var expected = ExpectedTensors.ForVae(c);
        var reference = ReferenceLayout("vae");
        Assert.Equal(reference.Select(r => r.Key), expected.Select(e => e.Name));
        Assert.Equal(reference.Select(r => string.Join(",", r.Shape)), expected.Select(e => string.Join(",", e.Shape)));
        Assert.Equal(55_376_873, expected.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b)));
    }

    [Fact]
    public void FullSizeVocoderConfigImpliesExactlyTheReferenceStateDict()
    {
        var c = VocoderConfig.Load(Full("cvssp_audioldm2_vocoder_config.json"));
        Assert.False(c.NormalizeBefore);
        Assert.Equal(160, c.HopLength);
        var expected = ExpectedTensors.ForVocoder(c);
        var reference = ReferenceLayout("vocoder");
        Assert.Equal(reference.Select(r => r.Key), expected.Select(e => e.Name));
        Assert.Equal(reference.Select(r => string.Join(",", r.Shape)), expected.Select(e => string.Join(",", e.Shape)));
        // The reference counts parameters only; mean/scale are buffers.
        Assert.Equal(55_264_897, expected.Where(e => e.Name is not ("mean" or "scale")).Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b)));
    }

    [Theory]
    [InlineData("\"_class_name\": \"AutoencoderKL\"", "\"_class_name\": \"VQModel\"", "unsupported VAE class 'VQModel'")]
    [InlineData("\"act_fn\": \"silu\"", "\"act_fn\": \"mish\"", "unsupported act_fn 'mish'")]
    [InlineData("\"norm_num_groups\": 8", "\"norm_num_groups\": 7", "norm_num_groups 7")]
    [InlineData("\"layers_per_block\": 2", "\"layers_per_block\": \"two\"", "'layers_per_block' must be an integer")]
    public void BadVaeConfigsAreRejected(string from, string to, string expected)
    {
        using var dir = new TestPaths.TempDir();
        var text = File.ReadAllText(TestPaths.Fixtures("models", "vae", "model", "config.json"));
        Assert.Contains(from, text);
        File.WriteAllText(dir.File("config.json"), text.Replace(from, to));
        Assert.Contains(expected, Assert.Throws<InvalidInputException>(() => VaeConfig.Load(dir.File("config.json"))).Message);
    }

    [Fact]
    public void UnknownVocoderArchitectureIsRejected()
    {
        using var dir = new TestPaths.TempDir();
        var text = File.ReadAllText(TestPaths.Fixtures("models", "vocoder", "normalize_false", "model", "config.json"));
        File.WriteAllText(dir.File("config.json"), text.Replace("\"SpeechT5HifiGan\"", "\"UnivNet\""));
        Assert.Contains("UnivNet", Assert.Throws<InvalidInputException>(() => VocoderConfig.Load(dir.File("config.json"))).Message);
    }

    [Fact]
    public void WeightMismatchesAreAllListed()
    {
        using var dir = new TestPaths.TempDir();
        var modelDir = Path.Combine(dir.Path, "vae");
        Directory.CreateDirectory(modelDir);
        File.Copy(TestPaths.Fixtures("models", "vae", "model", "config.json"), Path.Combine(modelDir, "config.json"));
        var c = VaeConfig.Load(Path.Combine(modelDir, "config.json"));
        var tensors = ExpectedTensors.ForVae(c)
            .Where(t => t.Name != "quant_conv.bias")
            .Select(t => (t.Name, t.Name == "encoder.conv_in.weight" ? new[] { 16, 1, 5, 5 } : t.Shape))
            .Select(t => (t.Name, t.Item2, new float[t.Item2.Aggregate(1, (a, b) => a * b)]))
            .Append(("encoder.extra.weight", new[] { 3 }, new float[3])).ToList();
        SafetensorsWriter.Write(Path.Combine(modelDir, AutoencoderKl.WeightsFile), tensors);
        var e = Assert.Throws<InvalidInputException>(() => AutoencoderKl.Load(modelDir));
        Assert.Contains("3 problems", e.Message);
        Assert.Contains("missing quant_conv.bias [16]", e.Message);
        Assert.Contains("encoder.conv_in.weight has shape [16, 1, 5, 5], config implies [16, 1, 3, 3]", e.Message);
        Assert.Contains("unexpected encoder.extra.weight [3]", e.Message);
    }
}
