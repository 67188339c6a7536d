using System.CommandLine;
using Repro.Cli.Commands;

namespace Repro.Cli;

/// <summary>The <c>repro</c> command line: its commands, and one entry point that tests call too.</summary>
public static class ReproCli
{
    /// <summary>Parses <paramref name="args"/> and runs the command, writing to the given writers.</summary>
    /// <returns>0 on success, 1 when the command failed (the reason is on <paramref name="error"/>).</returns>
    public static int Invoke(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var home = new Option<string?>("--home")
        {
            Description = "Repro home to read (default: $REPRO_HOME, else ./.repro).",
            Recursive = true,
        };

        var root = new RootCommand("Repro: reproducible, auditable TorchSharp training runs.");
        root.Options.Add(home);
        root.Subcommands.Add(RunsCommand.Create(home));
        root.Subcommands.Add(EventsCommand.Create(home));
        root.Subcommands.Add(ExportCommand.Create(home));
        root.Subcommands.Add(IndexCommand.Create(home));
        root.Subcommands.Add(ProvenanceCommand.Create(home));
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
