using LatentAudio.Audio;
using LatentAudio.Tests.Reconstruction;

namespace LatentAudio.Tests.Study;

/// <summary>
/// A tiny model, a small category tree (speech/a, speech/b, music/c, a file directly in the root, and one file in
/// music/ that is not audio) and one uninterrupted, unsharded evaluate run over it, shared by the evaluate tests.
/// </summary>
public sealed class EvaluateFixture : IDisposable
{
    public static readonly string[] Metrics = ["--metrics", "snr,lsd,mel_distance"];

    public TinyModel Model { get; } = new();
    public TestPaths.TempDir Dir { get; } = new();
    public string Input => Dir.File("in");
    public string Unsharded => Dir.File("unsharded");
    public (int Code, string Out, string Err) UnshardedRun { get; }

    public EvaluateFixture()
    {
        Clip("speech_libri1.wav", 0.0, "speech/a.wav");
        Clip("speech_libri1.wav", 1.0, "speech/b.wav");
        Clip("music_brahms.wav", 0.0, "music/c.wav");
        Clip("env_robin.wav", 0.0, "d.wav");
        File.WriteAllText(Path.Combine(Input, "music", "broken.wav"), "not audio");
        UnshardedRun = Cli.Run(Args(Unsharded));
    }

    public string[] Args(string outDir, params string[] extra) =>
        ["evaluate", Input, "-o", outDir, "--model", Model.Folder, .. Metrics, .. extra];

    private void Clip(string sample, double offset, string relative)
    {
        var path = Path.Combine(Input, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        WavWriter.Write(path, AudioFile.Read(TestPaths.Samples(sample), offset, 0.5));
    }

    public void Dispose()
    {
        Model.Dispose();
        Dir.Dispose();
    }
}
