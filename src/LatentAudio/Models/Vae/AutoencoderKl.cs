using LatentAudio.Models.Config;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Safetensors;
using LatentAudio.Tensors;

namespace LatentAudio.Models.Vae;

/// <summary>
/// diffusers' AutoencoderKL (the AudioLDM/AudioLDM2 mel VAE) on ONNX Runtime, built from a <c>vae/</c> folder
/// (config.json + diffusion_pytorch_model.safetensors). Encode gives the posterior mean and clamped log-variance;
/// scaling_factor is not applied (as in diffusers' encode/decode).
/// </summary>
public sealed class AutoencoderKl : ILatentAutoencoder
{
    public const string WeightsFile = "diffusion_pytorch_model.safetensors";
    /// <summary>The graphs' names in the graph cache.</summary>
    public const string EncoderGraphName = "vae_encoder", DecoderGraphName = "vae_decoder";

    private readonly OnnxNetwork _encoder, _decoder;

    private AutoencoderKl(VaeConfig config, OnnxNetwork encoder, double encoderFlops, OnnxNetwork decoder, double decoderFlops)
    {
        Config = config;
        _encoder = encoder;
        _decoder = decoder;
        // Only the FLOP counts are kept: the protobuf graphs hold a copy of every weight.
        EncoderFlops = encoderFlops;
        DecoderFlops = decoderFlops;
    }

    public VaeConfig Config { get; }
    /// <summary>FLOPs of one encode / decode at the tracked size given to Load (0 when none was given).</summary>
    public double EncoderFlops { get; }
    public double DecoderFlops { get; }
    public int LatentChannels => Config.LatentChannels;
    public int Downsample => Config.Downsample;

    /// <summary>Loads the VAE of a resolved model (its <c>vae/</c> folder).</summary>
    /// <param name="trackBins">Mel bins of the tracked input (the model's MelConfig.NMels; 64 at 16 kHz, 256 at 48 kHz).</param>
    public static AutoencoderKl Load(ModelLocation model, SessionSettings? settings = null, int? trackFrames = null, int trackBins = 64) =>
        Load(model.VaeFolder, settings, trackFrames, trackBins);

    /// <summary>Loads a diffusers VAE folder; validates config and weights before building.</summary>
    /// <param name="trackFrames">Count FLOPs for this many mel frames (benchmark); the graphs stay dynamic.</param>
    public static AutoencoderKl Load(string vaeFolder, SessionSettings? settings = null, int? trackFrames = null, int trackBins = 64)
    {
        var (config, file) = OpenValidated(vaeFolder);
        using (file) return Build(config, file, new GraphFiles(Path.Combine(vaeFolder, "config.json"), file.Path), settings, trackFrames, trackBins);
    }

    /// <summary>Builds the VAE from weights already checked against <paramref name="config"/> (e.g. an original
    /// checkpoint's). Not kept in the graph cache: its key would need the sha256 of the whole multi-GB checkpoint.</summary>
    public static AutoencoderKl FromWeights(VaeConfig config, IWeights weights, SessionSettings? settings = null, int? trackFrames = null) =>
        Build(config, weights, null, settings, trackFrames, 64);

    private static AutoencoderKl Build(VaeConfig config, IWeights weights, GraphFiles? files, SessionSettings? settings, int? trackFrames, int trackBins)
    {
        settings ??= SessionSettings.Default;
        // One graph at a time: each protobuf holds a copy of its weights until ONNX Runtime has taken them. A FLOP
        // count needs the built graph, so with trackFrames it is built even when the session comes from the cache.
        var encoderGraph = trackFrames is null ? null : VaeGraphs.BuildEncoder(config, weights, trackFrames, trackBins);
        var encoder = OnnxNetwork.Open(EncoderGraphName, files, settings, () => (encoderGraph ?? VaeGraphs.BuildEncoder(config, weights)).Model);
        double encoderFlops = encoderGraph?.Flops ?? 0;
        encoderGraph = null;
        try
        {
            var decoderGraph = trackFrames is null ? null : VaeGraphs.BuildDecoder(config, weights, trackFrames, trackBins);
            var decoder = OnnxNetwork.Open(DecoderGraphName, files, settings, () => (decoderGraph ?? VaeGraphs.BuildDecoder(config, weights)).Model);
            return new AutoencoderKl(config, encoder, encoderFlops, decoder, decoderGraph?.Flops ?? 0);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>diffusers' PyTorch weights name, read (restricted unpickler) only when no .safetensors is present.</summary>
    public const string PyTorchWeightsFile = "diffusion_pytorch_model.bin";

    private static (VaeConfig, CheckpointWeights) OpenValidated(string vaeFolder)
    {
        var config = VaeConfig.Load(Path.Combine(vaeFolder, "config.json"));
        var file = CheckpointWeights.Open(vaeFolder, WeightsFile, PyTorchWeightsFile);
        try { file.Validate(ExpectedTensors.ForVae(config)); }
        catch { file.Dispose(); throw; }
        return (config, file);
    }

    public static (VaeConfig Config, BuiltGraph Encoder, BuiltGraph Decoder) BuildGraphs(string vaeFolder, int? trackFrames = null, int trackBins = 64)
    {
        var (config, file) = OpenValidated(vaeFolder);
        using (file)
        {
            var weights = file;
            return (config, VaeGraphs.BuildEncoder(config, weights, trackFrames, trackBins), VaeGraphs.BuildDecoder(config, weights, trackFrames, trackBins));
        }
    }

    /// <summary>Log-mel [B, in, T, F] (or [T, F]) -> posterior (mean, logvar), each [B, latent, T/f, F/f].</summary>
    public (Tensor Mean, Tensor LogVar) Encode(Tensor mel)
    {
        var input = ToRank4(mel, Config.InChannels, "mel");
        if (input.Shape[2] < Downsample || input.Shape[3] < Downsample)
            throw new InvalidInputException($"mel {mel.ShapeText} is too small for the VAE (needs at least {Downsample} frames and bins)");
        var r = _encoder.Run(VaeGraphs.MelInput, input);
        return (r[VaeGraphs.MeanOutput], r[VaeGraphs.LogVarOutput]);
    }

    /// <summary>Latent [B, latent, t, f] (or [latent, t, f]) -> log-mel [B, out, t*f', f*f'].</summary>
    public Tensor Decode(Tensor latent)
    {
        var input = ToRank4(latent, Config.LatentChannels, "latent");
        return _decoder.Run(VaeGraphs.LatentInput, input)[VaeGraphs.MelOutput];
    }

    /// <summary>A seeded draw from the posterior: mean + exp(logvar/2) * N(0,1) (DiagonalGaussianDistribution.sample).</summary>
    public static Tensor Sample(Tensor mean, Tensor logVar, int seed)
    {
        var rng = new Random(seed);
        var z = new float[mean.Data.Length];
        for (int i = 0; i < z.Length; i++)
        {
            // Box-Muller from two uniforms in (0, 1].
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            double n = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            z[i] = (float)(mean.Data[i] + Math.Exp(0.5 * logVar.Data[i]) * n);
        }
        return new Tensor(z, mean.Shape);
    }

    private static Tensor ToRank4(Tensor t, int channels, string what)
    {
        var shape = t.Shape;
        if (shape.Length == 2 && channels == 1) return t.Reshape(1, 1, shape[0], shape[1]);
        if (shape.Length == 3 && shape[0] == channels) return t.Reshape(1, shape[0], shape[1], shape[2]);
        var s = shape.Length > 4 ? t.SqueezeLeading(4) : t;
        if (s.Rank != 4 || s.Shape[1] != channels)
            throw new InvalidInputException($"{what} has shape {t.ShapeText}, expected [B, {channels}, T, F]");
        return s;
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }
}
