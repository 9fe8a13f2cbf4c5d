namespace LatentAudio.Cli;

/// <summary>Every command of the CLI, in the order <c>latentaudio --help</c> lists them.</summary>
public static class CommandRegistry
{
    public static IReadOnlyList<ICommand> All { get; } =
    [
        new ReconstructCommand(),
        new InfoCommand(),
        new MelCommand(),
        new DownloadModelCommand(),
        new MetricsCommand(),
        new BenchMetricsCommand(),
        new BenchEvaluateCommand(),
        new BenchFadCommand(),
        new Models.EncodeLatentCommand(),
        new Models.DecodeLatentCommand(),
        new Models.VocodeCommand(),
        new Models.ExportOnnxCommand(),
        new Models.BenchModelsCommand(),
        new Models.BenchLoadCommand(),
        new EncodeCommand(),
        new DecodeCommand(),
        new RdCommand(),
        new EvaluateCommand(),
        new MergeCommand(),
        new FadCommand(),
    ];

    public static ICommand? Find(string name) => All.FirstOrDefault(c => c.Name == name);
}
