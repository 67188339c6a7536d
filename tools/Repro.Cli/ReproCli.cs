using System.CommandLine;
using Repro.Cli.Commands;

namespace Repro.Cli;

/// <summary>The <c>repro</c> command line: its commands, and one entry point that tests call too.</summary>
public static class ReproCli
{
    /// <summary>Parses <paramref name="args"/> and runs the command, writing to the given writers.</summary>
    /// <returns>
    /// 0 on success, 1 when the command failed, 2 for a command line that cannot be right or a gate that
    /// said no (see <see cref="ExitCodes"/>); the reason is on <paramref name="error"/>.
    /// </returns>
    public static int Invoke(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = CreateRootCommand();
        var parsed = root.Parse(args);
        if (parsed.CommandResult.Command == root && parsed.UnmatchedTokens.Count > 0 && !parsed.UnmatchedTokens[0].StartsWith('-'))
        {
            // One message, not System.CommandLine's pair ("Required command was not provided." and
            // "Unrecognized command …"), which contradict each other for a mistyped command.
            error.WriteLine(UnknownCommand(parsed.UnmatchedTokens[0], root.Subcommands.Select(c => c.Name).ToList()));
            return ExitCodes.Usage;
        }

        if (parsed.Errors.Count > 0)
        {
            // A missing argument, an unknown option: one line each, the command's help pointer, exit 2.
            foreach (var problem in parsed.Errors)
            {
                error.WriteLine($"repro: {problem.Message}");
            }

            error.WriteLine($"See 'repro {string.Join(' ', CommandPath(parsed.CommandResult))} --help'.".Replace("  ", " ", StringComparison.Ordinal));
            return ExitCodes.Usage;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>Every command and option of <c>repro</c>; the docs are checked against it.</summary>
    internal static RootCommand CreateRootCommand()
    {
        var home = new Option<string?>("--home")
        {
            Description = "Repro home to read (default: $REPRO_HOME, else the nearest .repro folder here or above, else .repro at the git repository's root).",
            Recursive = true,
        };

        var root = new RootCommand("Repro: reproducible, auditable TorchSharp training runs.\n" + ExitCodes.Table);
        root.Options.Add(home);
        root.Subcommands.Add(RunsCommand.Create(home));
        root.Subcommands.Add(DiffCommand.Create(home));
        root.Subcommands.Add(DriftCommand.Create(home));
        root.Subcommands.Add(ReportCommand.Create(home));
        root.Subcommands.Add(RerunCommand.Create(home));
        root.Subcommands.Add(EventsCommand.Create(home));
        root.Subcommands.Add(WatchCommand.Create(home));
        root.Subcommands.Add(ExportCommand.Create(home));
        root.Subcommands.Add(IndexCommand.Create(home));
        root.Subcommands.Add(AuditCommand.Create(home));
        root.Subcommands.Add(GcCommand.Create(home));
        root.Subcommands.Add(DuCommand.Create(home));
        root.Subcommands.Add(ProvenanceCommand.Create(home));
        root.Subcommands.Add(VerifyCommand.Create(home));
        root.Subcommands.Add(ArtifactsCommand.Create(home));
        root.Subcommands.Add(DatasetCommand.Create(home));
        root.Subcommands.Add(StoreCommand.Create(home));
        root.Subcommands.Add(PushCommand.Create(home));
        return root;
    }

    private static Stack<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var current = result; current.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent)
        {
            names.Push(current.Command.Name);
        }

        return names;
    }

    /// <summary>"repro: unknown command 'x'", the closest command when one is close, and the list.</summary>
    internal static string UnknownCommand(string typed, IReadOnlyList<string> commands)
    {
        var closest = commands.Select(c => (Command: c, Distance: EditDistance(typed.ToLowerInvariant(), c))).OrderBy(c => c.Distance).First();
        var hint = closest.Distance <= Math.Max(2, typed.Length / 3) ? $" Did you mean '{closest.Command}'?" : string.Empty;
        return $"repro: unknown command '{typed}'.{hint} Commands: {string.Join(", ", commands)}. See 'repro --help'.";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
