using LatentAudio.Models.Config;

namespace LatentAudio.Models.Original;

/// <summary>
/// The names the graph builders use (diffusers AutoencoderKL) in the original AudioLDM/AudioLDM2 VAE
/// (haoheliu/AudioLDM2@b5786c5 audioldm2/latent_diffusion/modules/diffusionmodules/model.py Encoder/Decoder, wrapped
/// by audioldm2/latent_encoder/autoencoder.py AutoencoderKL). The correspondence is the one diffusers' own converter
/// applies (scripts/convert_original_audioldm2_to_diffusers.py): down.{i}.block.{j} = down_blocks.{i}.resnets.{j},
/// nin_shortcut = conv_shortcut, mid.block_1/attn_1/block_2 = mid_block.resnets.0/attentions.0/resnets.1,
/// norm_out = conv_norm_out, and the decoder's up list is stored lowest resolution LAST (model.py L645
/// "self.up.insert(0, up)"), so up_blocks.{i} = up.{levels-1-i}.
/// </summary>
public sealed class OriginalVaeNames(int levels)
{
    /// <summary>The original key of a diffusers VAE state-dict name (without the first_stage_model. prefix).</summary>
    public string ToOriginal(string name)
    {
        var p = name.Split('.');
        string Rest(int from) => string.Join('.', p[from..]);
        return p switch
        {
            [var part, "down_blocks", var i, "resnets", var j, ..] => $"{part}.down.{i}.block.{j}.{Resnet(Rest(5))}",
            [var part, "down_blocks", var i, "downsamplers", "0", ..] => $"{part}.down.{i}.downsample.{Rest(5)}",
            [var part, "up_blocks", var i, "resnets", var j, ..] => $"{part}.up.{UpIndex(i)}.block.{j}.{Resnet(Rest(5))}",
            [var part, "up_blocks", var i, "upsamplers", "0", ..] => $"{part}.up.{UpIndex(i)}.upsample.{Rest(5)}",
            [var part, "mid_block", "resnets", var j, ..] => $"{part}.mid.block_{int.Parse(j) + 1}.{Rest(4)}",
            [var part, "mid_block", "attentions", "0", .. var tail] => $"{part}.mid.attn_1.{Attention(tail)}",
            [var part, "conv_norm_out", ..] => $"{part}.norm_out.{Rest(2)}",
            _ => name,
        };
    }

    /// <summary>
    /// The shape a tensor has in the original checkpoint: the attention projections are 1x1 Conv2d there
    /// ([C, C, 1, 1], model.py AttnBlock) and Linear in diffusers ([C, C]); the values are the same.
    /// </summary>
    public static int[] OriginalShape(string name, int[] shape) =>
        name.Contains(".attentions.", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal) && !name.Contains("group_norm", StringComparison.Ordinal)
            ? [.. shape, 1, 1]
            : shape;

    /// <summary>Every tensor the config implies, under its original name and shape.</summary>
    public IReadOnlyList<TensorSpec> Expected(VaeConfig config, string prefix) =>
        ExpectedTensors.ForVae(config).Select(s => new TensorSpec(prefix + ToOriginal(s.Name), OriginalShape(s.Name, s.Shape))).ToList();

    private string UpIndex(string i) => (levels - 1 - int.Parse(i)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Resnet(string tail) => tail.StartsWith("conv_shortcut.", StringComparison.Ordinal) ? "nin_shortcut." + tail["conv_shortcut.".Length..] : tail;

    private static string Attention(string[] tail) => (tail[0], tail.Length) switch
    {
        ("group_norm", _) => "norm." + tail[1],
        ("to_q", _) => "q." + tail[1],
        ("to_k", _) => "k." + tail[1],
        ("to_v", _) => "v." + tail[1],
        ("to_out", 3) => "proj_out." + tail[2],
        _ => string.Join('.', tail),
    };
}
