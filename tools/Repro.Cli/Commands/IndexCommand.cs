using System.CommandLine;
using System.Globalization;
using Repro.Storage;

namespace Repro.Cli.Commands;

/// <summary><c>repro index update</c> and <c>repro index rebuild</c>: the SQLite index over every run.</summary>
internal static class IndexCommand
{
    public static Command Create(Option<string?> home)
    {
        var index = new Command("index", "Maintain the SQLite index (index.db) over every run in the Repro home.");
        var update = new Command("update", "Add what the index lacks: new runs, and events past each run's cursor.");
        update.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            return Report(context, "Updated", RunIndex.Update(context.Store));
        }));
        var rebuild = new Command("rebuild", "Build the index again from the runs' WALs alone, replacing index.db in one step.");
        rebuild.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            var report = RunIndex.Rebuild(context.Store);
            Repro.Storage.Audit.AuditLog.Append(context.Store.Home, "index rebuild", details: new Dictionary<string, string>
            {
                ["runs"] = report.Runs.ToString(CultureInfo.InvariantCulture),
                ["events"] = report.Events.ToString(CultureInfo.InvariantCulture),
                ["problems"] = report.Problems.Count.ToString(CultureInfo.InvariantCulture),
            });
            return Report(context, "Rebuilt", report);
        }));
        index.Subcommands.Add(update);
        index.Subcommands.Add(rebuild);
        return index;
    }

    private static int Report(CommandContext context, string verb, RunIndexReport report)
    {
        foreach (var problem in report.Problems)
        {
            context.Error.WriteLine($"repro: {problem}");
        }

        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{verb} {RunIndex.PathOf(context.Store.Home)}: {report.Runs} runs, {report.Events} events added."));
        return report.Problems.Count == 0 ? 0 : 1;
    }
}
