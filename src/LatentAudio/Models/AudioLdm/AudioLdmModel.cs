using System.Security.Cryptography;
using LatentAudio.Dsp;
using LatentAudio.Models.Hub;
using LatentAudio.Models.Onnx;
using LatentAudio.Models.Original;
using LatentAudio.Models.Vae;
using LatentAudio.Models.Vocoder;

namespace LatentAudio.Models.AudioLdm;

/// <summary>
/// One AudioLDM-family model and everything it was trained with: the VAE, the vocoder (when loaded), the log-mel
/// front-end with its <see cref="MelConfig"/> and level normalisation, and the identity of its weights (the sha256
/// a latent file records). Every command that runs the model goes through this object, so there is one front-end
/// per model and one place that decides it. Loading is an explicit library call (it may download); constructing
/// from parts never touches the network.
/// </summary>
public sealed class AudioLdmModel : IDisposable
{
    private readonly IDisposable? _owner;

    /// <summary>
    /// A file of this name in a model folder (beside vae/ and vocoder/) marks its weights as random: a demo or test
    /// model whose audio is noise and whose numbers mean nothing. Such a model carries <see cref="RandomWeightsWarning"/>.
    /// </summary>
    public const string RandomWeightsMarker = "LATENTAUDIO_RANDOM_WEIGHTS";

    /// <summary>What every output of a random-weight model says first.</summary>
    public const string RandomWeightsWarning =
        "RANDOM WEIGHTS: this model is a random-weight demo, not a trained model; its audio is noise and every number here is meaningless.";

    /// <summary>A model from parts already loaded (tests, fakes); <paramref name="owner"/> is disposed with it.</summary>
    public AudioLdmModel(ILatentAutoencoder vae, IVocoder? vocoder, MelConfig melConfig, ModelIdentity identity,
        double? scalingFactor = null, ModelLocation? location = null, IDisposable? owner = null, bool randomWeights = false)
    {
        ArgumentNullException.ThrowIfNull(vae);
        Vae = vae; Vocoder = vocoder; MelConfig = melConfig; Identity = identity; Location = location; _owner = owner;
        FrontEnd = new AudioLdmFrontEnd(melConfig);
        Description = new ModelDescription(identity.Id, identity.Revision.Length > 0 ? identity.Revision : null, scalingFactor,
            randomWeights ? RandomWeightsWarning : null);
        if (vocoder is not null && vocoder.SampleRate != melConfig.SampleRate)
            throw new InvalidInputException($"the vocoder runs at {vocoder.SampleRate} Hz but the model's front-end at {melConfig.SampleRate} Hz");
    }

    public ILatentAutoencoder Vae { get; }
    /// <summary>The model's HiFi-GAN, or null when only the VAE was loaded.</summary>
    public IVocoder? Vocoder { get; }
    public MelConfig MelConfig { get; }
    /// <summary>The front-end the model was trained with (normalisation, log-mel, the reference wav_to_fbank).</summary>
    public AudioLdmFrontEnd FrontEnd { get; }
    public ModelIdentity Identity { get; }
    public ModelDescription Description { get; }
    /// <summary>Where the files were found (a local folder or the hub cache snapshot); null for a model from parts.</summary>
    public ModelLocation? Location { get; }
    public int SampleRate => MelConfig.SampleRate;
    /// <summary>The folder is marked as random weights (<see cref="RandomWeightsMarker"/>).</summary>
    public bool RandomWeights => Description.RandomWeights;
    /// <summary><see cref="RandomWeightsWarning"/> for a random-weight model, else null.</summary>
    public string? Warning => Description.Warning;

    /// <summary>The vocoder, or a clear error naming what is missing.</summary>
    public IVocoder RequireVocoder() => Vocoder ?? throw new InvalidInputException($"model {Identity.Id} was loaded without its vocoder");

    /// <summary>
    /// Resolves <paramref name="spec"/> (a local folder, a hub id with optional @revision, or a known alias; may
    /// download into the hub cache) and loads the parts asked for.
    /// </summary>
    public static AudioLdmModel Load(string spec, ModelParts parts, SessionSettings? settings = null) =>
        OriginalCheckpointFile.Find(spec) is { } checkpoint
            ? OpenOriginal(checkpoint, parts, settings)
            : Open(spec, ModelResolver.Resolve(spec, parts), parts, settings);

    /// <summary>
    /// Loads the VAE (and vocoder) of an original AudioLDM/AudioLDM2 checkpoint (<c>.pth</c>, a LatentDiffusion state
    /// dict); the 16 kHz or 48 kHz front-end follows from its tensors' shapes. The identity is the file's sha256.
    /// </summary>
    /// <param name="location">Where it was resolved from (hub id and commit), if it came from the hub.</param>
    public static AudioLdmModel OpenOriginal(string path, ModelParts parts, SessionSettings? settings = null, ModelLocation? location = null)
    {
        var checkpoint = OriginalCheckpoint.Open(path);
        var layout = checkpoint.Layout;
        AutoencoderKl? vae = null;
        IVocoder? vocoder = null;
        try
        {
            vae = AutoencoderKl.FromWeights(layout.Vae, checkpoint.VaeWeights, settings);
            if (parts.HasFlag(ModelParts.Vocoder)) vocoder = HifiGanVocoder.FromWeights(layout.Vocoder, checkpoint.VocoderWeights, settings);
            var full = Path.GetFullPath(path);
            var folder = Path.GetDirectoryName(full) ?? full;
            // A range-fetched subset names the whole file's sha256 beside it: the identity is the same either way.
            var identity = new ModelIdentity(location?.Id ?? full, location?.Revision ?? "", CheckpointSubset.SourceSha256(full) ?? FileSha256(full));
            var loaded = vae;
            var voc = vocoder;
            return new AudioLdmModel(vae, vocoder, layout.Family.Mel, identity, layout.Vae.ScalingFactor, location ?? new ModelLocation(full, null, folder),
                new Disposer(() => { loaded.Dispose(); voc?.Dispose(); }), IsRandomWeights(folder));
        }
        catch
        {
            vae?.Dispose();
            vocoder?.Dispose();
            throw;
        }
    }

    /// <summary>Loads the parts asked for from files already on disk.</summary>
    public static AudioLdmModel Open(string spec, ModelLocation location, ModelParts parts, SessionSettings? settings = null)
    {
        if (OriginalCheckpointFile.Find(location.RootFolder) is { } checkpoint) return OpenOriginal(checkpoint, parts, settings, location);
        AutoencoderKl? vae = null;
        IVocoder? vocoder = null;
        Task<HifiGanVocoder>? vocoderTask = null;
        try
        {
            var cache = (settings ?? SessionSettings.Default).GraphCacheFolder is { } cacheFolder ? new GraphCache(cacheFolder) : null;
            // Two threads only when every graph comes from the cache: creating the three sessions then takes ~1.7
            // CPU-s that overlap on 2 cores. Building both networks at once would hold both sets of protobuf weights
            // (full-size model, empty cache: max RSS 1.54 -> 2.06 GB), so a load that builds stays sequential.
            if (parts.HasFlag(ModelParts.Vocoder) && cache is not null && AllCached(cache, location, settings ?? SessionSettings.Default))
                vocoderTask = Task.Run(() => HifiGanVocoder.Load(location, settings));
            vae = AutoencoderKl.Load(location, settings);
            if (vocoderTask is not null) vocoder = vocoderTask.GetAwaiter().GetResult();
            else if (parts.HasFlag(ModelParts.Vocoder)) vocoder = HifiGanVocoder.Load(location, settings);
            var mel = MelConfigFor(spec, location, vocoder?.SampleRate);
            // With a cache, the identity's sha256 comes from the digests the graph cache keeps (read again only when the
            // file changed): the VAE weights were otherwise read and hashed a second time on every load.
            var identity = new ModelIdentity(location.Id, location.Revision ?? "", WeightsSha256(location.VaeFolder, cache?.Digests));
            var loaded = vae;
            var voc = vocoder;
            return new AudioLdmModel(vae, vocoder, mel, identity, vae.Config.ScalingFactor, location,
                new Disposer(() => { loaded.Dispose(); voc?.Dispose(); }), IsRandomWeights(location.RootFolder));
        }
        catch
        {
            vae?.Dispose();
            vocoder?.Dispose();
            // The VAE failed while the vocoder was loading: wait for it so that its session is released too.
            if (vocoder is null && vocoderTask is not null)
                try { vocoderTask.GetAwaiter().GetResult().Dispose(); } catch (Exception) { /* the VAE's error is the one to report */ }
            throw;
        }
    }

    /// <summary>Whether <paramref name="cache"/> holds entries for the VAE's two graphs and the vocoder's (unchecked: a
    /// corrupt one is still rebuilt by the load). Files that cannot be read answer false: the load then reports them.</summary>
    private static bool AllCached(GraphCache cache, ModelLocation location, SessionSettings settings)
    {
        static GraphFiles Files(string folder, string weights, string bin)
        {
            var path = Path.Combine(folder, weights);
            return new GraphFiles(Path.Combine(folder, "config.json"), File.Exists(path) ? path : Path.Combine(folder, bin));
        }
        try
        {
            var vae = Files(location.VaeFolder, AutoencoderKl.WeightsFile, AutoencoderKl.PyTorchWeightsFile);
            var vocoder = Files(location.VocoderFolder, HifiGanVocoder.WeightsFile, HifiGanVocoder.PyTorchWeightsFile);
            return cache.Holds(AutoencoderKl.EncoderGraphName, vae, settings) && cache.Holds(AutoencoderKl.DecoderGraphName, vae, settings)
                && cache.Holds(HifiGanVocoder.GraphName, vocoder, settings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>The known table decides for hub models; a local folder goes by its vocoder's rate (16 kHz without one).</summary>
    public static MelConfig MelConfigFor(string spec, ModelLocation location, int? vocoderRate)
    {
        var known = KnownModels.Find(location.Id) ?? KnownModels.Find(spec.Split('@')[0]);
        if (known is not null) return known.MelConfig;
        return vocoderRate == MelConfig.AudioLdm48k.SampleRate ? MelConfig.AudioLdm48k : MelConfig.AudioLdm16k;
    }

    /// <summary>
    /// The front-end configuration of <paramref name="spec"/> (a folder, hub id, alias or original checkpoint) without
    /// building its networks: what a command that only computes the log-mel needs. A diffusers folder or hub model
    /// needs only its vocoder's config.json; an original checkpoint is read (its first_stage_model tensors) for the layout.
    /// </summary>
    public static MelConfig ReadMelConfig(string spec)
    {
        if (OriginalCheckpointFile.Find(spec) is { } file) return OriginalCheckpoint.Open(file).Layout.Family.Mel;
        var location = ModelResolver.Resolve(spec, ModelParts.Vocoder);
        if (OriginalCheckpointFile.Find(location.RootFolder) is { } inFolder) return OriginalCheckpoint.Open(inFolder).Layout.Family.Mel;
        var vocoderConfig = Path.Combine(location.VocoderFolder, "config.json");
        int? rate = File.Exists(vocoderConfig) ? Config.VocoderConfig.Load(vocoderConfig).SamplingRate : null;
        return MelConfigFor(spec, location, rate);
    }

    /// <summary>Whether <paramref name="folder"/> holds the <see cref="RandomWeightsMarker"/> file.</summary>
    public static bool IsRandomWeights(string folder) => File.Exists(Path.Combine(folder, RandomWeightsMarker));

    /// <summary>sha256 of the VAE's weights file (safetensors, else the PyTorch .bin): what a latent file records.</summary>
    public static byte[] WeightsSha256(string vaeFolder) => WeightsSha256(vaeFolder, null);

    /// <param name="digests">Where remembered digests are kept (the graph cache's), so a cached load does not read the
    /// weights again for the identity; null: read and hash the file.</param>
    internal static byte[] WeightsSha256(string vaeFolder, FileDigests? digests)
    {
        var path = Path.Combine(vaeFolder, AutoencoderKl.WeightsFile);
        if (!File.Exists(path) && File.Exists(Path.Combine(vaeFolder, AutoencoderKl.PyTorchWeightsFile)))
            path = Path.Combine(vaeFolder, AutoencoderKl.PyTorchWeightsFile);
        return digests is null ? FileSha256(path) : Convert.FromHexString(digests.Sha256(path));
    }

    private static byte[] FileSha256(string path)
    {
        using var fs = File.OpenRead(path);
        return SHA256.HashData(fs);
    }

    public void Dispose()
    {
        if (_owner is not null) _owner.Dispose();
        else
        {
            Vae.Dispose();
            Vocoder?.Dispose();
        }
    }

    private sealed class Disposer(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
