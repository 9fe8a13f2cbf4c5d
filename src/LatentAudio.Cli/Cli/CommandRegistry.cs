namespace LatentAudio.Cli;

/// <summary>Every command of the CLI, in the order <c>latentaudio --help</c> lists them.</summary>
public static class CommandRegistry
{
    public static IReadOnlyList<ICommand> All { get; } =
    [
        new InfoCommand(),
        new EncodeCommand(),
        new DecodeCommand(),
        new RdCommand(),
    ];

    public static ICommand? Find(string name) => All.FirstOrDefault(c => c.Name == name);
}
