using Repro.Cli;

return ReproCli.Invoke(args, Console.Out, Console.Error);
