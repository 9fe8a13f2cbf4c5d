namespace LatentAudio.Tests.Reconstruction;

/// <summary>
/// A local model folder (vae/ + vocoder/) assembled from the golden tiny random-weight models: the same
/// architecture as cvssp/audioldm2 at a fraction of the width, so the whole chain runs offline in tests.
/// </summary>
public sealed class TinyModel : IDisposable
{
    private readonly TestPaths.TempDir _dir = new();

    public TinyModel()
    {
        Copy(TestPaths.Fixtures("models", "vae", "model"), Path.Combine(_dir.Path, "vae"));
        Copy(TestPaths.Fixtures("models", "vocoder", "normalize_false", "model"), Path.Combine(_dir.Path, "vocoder"));
    }

    public string Folder => _dir.Path;

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    public void Dispose() => _dir.Dispose();
}
