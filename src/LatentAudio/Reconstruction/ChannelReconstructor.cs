using LatentAudio.Dsp;
using LatentAudio.Models;
using LatentAudio.Tensors;

namespace LatentAudio.Reconstruction;

/// <summary>Log-mel-domain error of the VAE alone: input mel vs decoded mel, natural-log units.</summary>
public sealed class MelErrorAccumulator
{
    private double _sum;
    private long _count;
    public double Max { get; private set; }
    public double Mean => _count == 0 ? 0 : _sum / _count;

    public void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            double d = Math.Abs(a[i] - b[i]);
            _sum += d;
            if (d > Max) Max = d;
        }
        _count += a.Length;
    }
}

/// <summary>
/// Runs one window of one normalised mono channel through the chain: log-mel -> VAE -> vocoder and/or Griffin-Lim,
/// plus the oracle paths without the VAE. The caller crossfades the windows (see <see cref="Crossfader"/>).
/// </summary>
public sealed class ChannelReconstructor
{
    private readonly ILatentAutoencoder _vae;
    private readonly IVocoder? _vocoder;
    private readonly AudioLdmFrontEnd _frontEnd;
    private readonly GriffinLim? _griffinLim;
    private readonly ReconstructSettings _settings;
    private readonly StageTimer _timer;

    public ChannelReconstructor(ILatentAutoencoder vae, IVocoder? vocoder, AudioLdmFrontEnd frontEnd,
        ReconstructSettings settings, StageTimer timer)
    {
        _vae = vae; _vocoder = vocoder; _frontEnd = frontEnd; _settings = settings; _timer = timer;
        if (settings.UsesVocoder && vocoder is null) throw new ArgumentException("the vocoder decoder needs a vocoder");
        if (settings.UsesGriffinLim) _griffinLim = new GriffinLim(frontEnd.Config, settings.GriffinLimIterations, seed: settings.Seed);
    }

    /// <summary>The outputs this reconstructor renders, in file order.</summary>
    public IReadOnlyList<string> OutputNames()
    {
        var names = new List<string>();
        if (_settings.UsesVocoder) names.AddRange([Reconstruction.OutputNames.VaeVocoder, Reconstruction.OutputNames.OracleVocoder]);
        if (_settings.UsesGriffinLim) names.AddRange([Reconstruction.OutputNames.VaeGriffinLim, Reconstruction.OutputNames.OracleGriffinLim]);
        return names;
    }

    /// <summary>Renders every output for one window (normalised samples); the VAE's mel error goes to <paramref name="melError"/>.</summary>
    public IReadOnlyDictionary<string, float[]> Render(AudioWindow w, ReadOnlySpan<float> normalized, MelErrorAccumulator melError)
    {
        var outputs = new Dictionary<string, float[]>();
        var segment = normalized.ToArray();
        var mel = _timer.Time("mel", () => ModelMel(segment));
        var decoded = _timer.Time("vae_encode+decode", () => RunVae(mel, _settings.Seed + w.Index));
        melError.Add(mel.Data, decoded.Data);

        if (_vocoder is not null && _settings.UsesVocoder)
        {
            var both = Stack(decoded, mel);
            var wave = _timer.Time("vocoder", () => _vocoder.Vocode(both));
            int perItem = (int)(wave.Length / 2);
            if (perItem < w.Length) throw new LatentAudioException($"vocoder returned {perItem} samples for a {w.Length}-sample window");
            outputs[Reconstruction.OutputNames.VaeVocoder] = wave.Data.AsSpan(0, w.Length).ToArray();
            outputs[Reconstruction.OutputNames.OracleVocoder] = wave.Data.AsSpan(perItem, w.Length).ToArray();
        }
        if (_griffinLim is not null)
        {
            outputs[Reconstruction.OutputNames.VaeGriffinLim] = _timer.Time("griffinlim", () => _griffinLim.FromLogMel(decoded, w.Length));
            outputs[Reconstruction.OutputNames.OracleGriffinLim] = _timer.Time("griffinlim", () => _griffinLim.FromLogMel(mel, w.Length));
        }
        return outputs;
    }

    /// <summary>
    /// The model-domain log-mel of one window, T frames with T a multiple of the VAE's factor and the vocoder's
    /// output (hop*T + a few samples) covering the window. The waveform is zero-padded when more frames are needed,
    /// never the log-mel (0 is loud in this domain); a 10.24 s window gives exactly the reference's 1024 frames.
    /// </summary>
    internal Tensor ModelMel(ReadOnlySpan<float> segment)
    {
        var cfg = _frontEnd.Config;
        int multiple = cfg.FrameMultiple;
        int frames = (int)Math.Ceiling(Math.Max(1.0, segment.Length) / cfg.Hop);
        frames = (frames + multiple - 1) / multiple * multiple;
        // Reflect padding needs more than NFft/2 samples.
        while ((long)(frames - 1) * cfg.Hop <= cfg.NFft / 2) frames += multiple;
        int available = segment.Length / cfg.Hop + 1;
        ReadOnlySpan<float> input = segment;
        if (available < frames)
        {
            var padded = new float[(frames - 1) * cfg.Hop];
            segment.CopyTo(padded);
            input = padded;
        }
        var mel = _frontEnd.LogMel(input);
        int nMels = mel.Shape[1];
        return mel.Shape[0] == frames ? mel : new Tensor(mel.Data.AsSpan(0, frames * nMels).ToArray(), frames, nMels);
    }

    private Tensor RunVae(Tensor mel, int seed)
    {
        int frames = mel.Shape[0], nMels = mel.Shape[1];
        var (mean, logVar) = _vae.Encode(mel.Reshape(1, 1, frames, nMels));
        var z = _settings.SamplePosterior ? Models.Vae.AutoencoderKl.Sample(mean, logVar, seed) : mean;
        var decoded = _vae.Decode(z);
        return decoded.Reshape(decoded.Shape[^2], decoded.Shape[^1]);
    }

    private static Tensor Stack(Tensor a, Tensor b)
    {
        var data = new float[a.Length + b.Length];
        a.Data.CopyTo(data, 0);
        b.Data.CopyTo(data, a.Length);
        return new Tensor(data, 2, a.Shape[0], a.Shape[1]);
    }

}
