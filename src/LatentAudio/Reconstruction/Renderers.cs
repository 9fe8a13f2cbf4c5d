using LatentAudio.Audio;
using LatentAudio.Engine;
using LatentAudio.Models;
using LatentAudio.Models.AudioLdm;
using LatentAudio.Tensors;

namespace LatentAudio.Reconstruction;

/// <summary>
/// The back-ends: per output and stream a <see cref="ChunkedVocoder"/> driven by the model's HiFi-GAN or by
/// Griffin-Lim, fed the decoded mel (vae_*) or the input's own mel (oracle_*); their samples wait here until taken.
/// </summary>
internal sealed class Renderers
{
    private readonly IReadOnlyList<string> _names;
    private readonly Dictionary<string, ChunkedVocoder[]> _vocoders = new();
    private readonly Dictionary<string, RollingSamples[]> _out = new();

    public Renderers(AudioLdmModel model, ReconstructSettings settings, IReadOnlyList<string> names, int streams, long melFrames, StageTimer timer)
    {
        _names = names;
        var cfg = model.MelConfig;
        Func<Tensor, float[]>? vocode = null, griffinLim = null;
        if (settings.UsesVocoder)
        {
            var vocoder = model.RequireVocoder();
            vocode = mel => timer.Time("vocoder", () => vocoder.Vocode(mel.Reshape(1, mel.Shape[0], mel.Shape[1])).Data);
        }
        if (settings.UsesGriffinLim)
        {
            var gl = new Dsp.GriffinLim(cfg, settings.GriffinLimIterations, seed: settings.Seed);
            griffinLim = mel => timer.Time("griffinlim", () => gl.FromLogMel(mel, mel.Shape[0] * cfg.Hop));
        }
        foreach (var name in names)
        {
            bool hifiGan = name is Reconstruction.OutputNames.VaeVocoder or Reconstruction.OutputNames.OracleVocoder;
            var fn = hifiGan ? vocode! : griffinLim!;
            var shape = hifiGan ? CrossfadeShape.Linear : CrossfadeShape.EqualPower;
            var outs = Enumerable.Range(0, streams).Select(_ => new RollingSamples()).ToArray();
            _out[name] = outs;
            _vocoders[name] = Enumerable.Range(0, streams)
                .Select(s => new ChunkedVocoder(fn, cfg.NMels, cfg.Hop, melFrames, x => outs[s].Append(x), shape)).ToArray();
        }
    }

    /// <summary>The next mel frames of every stream: decoded (the VAE's) and the input's own.</summary>
    public void Push(float[][] decoded, float[][] input)
    {
        foreach (var name in _names)
        {
            var mels = name is Reconstruction.OutputNames.VaeVocoder or Reconstruction.OutputNames.VaeGriffinLim ? decoded : input;
            for (int s = 0; s < mels.Length; s++) _vocoders[name][s].Push(mels[s]);
        }
    }

    public void Finish()
    {
        foreach (var v in _vocoders.Values.SelectMany(x => x)) v.Finish();
    }

    /// <summary>Samples every output has rendered so far (absolute, at the model rate), at most <paramref name="n"/>.</summary>
    public long Ready(long n) => _names.Count == 0 ? n : Math.Min(n, _out.Values.SelectMany(x => x).Min(r => r.End));

    public float[][] Take(string name, int count)
    {
        var outs = _out[name];
        var taken = new float[outs.Length][];
        for (int s = 0; s < outs.Length; s++)
        {
            taken[s] = outs[s].Slice(outs[s].Start, outs[s].Start + count).ToArray();
            outs[s].DropBefore(outs[s].Start + count);
        }
        return taken;
    }
}
