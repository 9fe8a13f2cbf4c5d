namespace LatentAudio.Tests.Models;

/// <summary>A model folder laid out like a hub snapshot (vae/, vocoder/) built from the golden tiny models.</summary>
public sealed class TinyModelFolder : IDisposable
{
    private readonly TestPaths.TempDir _dir = new();

    public TinyModelFolder(bool vae = true, bool vocoder = true)
    {
        if (vae) Copy(TestPaths.Fixtures("models", "vae", "model"), System.IO.Path.Combine(_dir.Path, "vae"));
        if (vocoder) Copy(TestPaths.Fixtures("models", "vocoder", "normalize_false", "model"), System.IO.Path.Combine(_dir.Path, "vocoder"));
    }

    public string Path => _dir.Path;
    public string File(string name) => _dir.File(name);

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) System.IO.File.Copy(f, System.IO.Path.Combine(to, System.IO.Path.GetFileName(f)));
    }

    public void Dispose() => _dir.Dispose();
}
