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
        var parsed = root.Parse(args);
        if (parsed.CommandResult.Command == root && parsed.UnmatchedTokens.Count > 0 && !parsed.UnmatchedTokens[0].StartsWith('-'))
        {
            // One message, not System.CommandLine's pair ("Required command was not provided." and
            // "Unrecognized command …"), which contradict each other for a mistyped command.
            error.WriteLine(UnknownCommand(parsed.UnmatchedTokens[0], root.Subcommands.Select(c => c.Name).ToList()));
            return 1;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
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
