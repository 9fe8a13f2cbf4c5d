namespace LatentAudio.Models;

/// <summary>
/// Turns a user's model name (local folder, hub id with optional @revision, or short alias) into files on disk.
/// Resolving never happens in a constructor: it is the explicit step that may touch the network.
/// </summary>
public static class ModelResolver
{
    public static ModelLocation Resolve(string spec, ModelParts parts)
    {
        if (Directory.Exists(spec))
        {
            var location = new ModelLocation(Path.GetFullPath(spec), null, Path.GetFullPath(spec));
            if (parts.HasFlag(ModelParts.Vae) && !Directory.Exists(location.VaeFolder))
                throw InvalidInputException.ForFile(spec, "has no vae/ folder");
            if (parts.HasFlag(ModelParts.Vocoder) && !Directory.Exists(location.VocoderFolder))
                throw InvalidInputException.ForFile(spec, "has no vocoder/ folder");
            return location;
        }
        // The hub (HF cache + download) plugs in here.
        throw new InvalidInputException($"model '{spec}' is not a local folder, and hub models are not supported yet");
    }
}
