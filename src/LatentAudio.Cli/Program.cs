using LatentAudio.Cli;

return CliApp.Run(args, CliContext.Console);
