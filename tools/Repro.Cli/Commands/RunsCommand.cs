using System.CommandLine;
using Repro.Cli.Rendering;
using Repro.Runs;

namespace Repro.Cli.Commands;

/// <summary><c>repro runs list</c> and <c>repro runs show &lt;run-id&gt;</c>.</summary>
internal static class RunsCommand
{
    public static Command Create(Option<string?> home)
    {
        var runs = new Command("runs", "List and inspect recorded runs.");
        runs.Subcommands.Add(CreateList(home));
        runs.Subcommands.Add(CreateShow(home));
        return runs;
    }

    private static Command CreateList(Option<string?> home)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array of run manifests, for scripts." };
        var list = new Command("list", "List the runs in the Repro home, newest first.") { json };
        list.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var manifests = context.Store.ListRuns((folder, reason) => context.Error.WriteLine($"repro: skipped {folder}: {reason}"))
                .Select(m => Live(context, m)).ToList();
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(RunManifestJson.SerializeList(manifests));
            }
            else if (manifests.Count == 0)
            {
                // Say which home was read and why: a run recorded elsewhere is the usual reason for none.
                context.Output.WriteLine($"No runs in {context.HomeDescription}. Use --home or {Repro.Storage.ReproHome.EnvironmentVariable} to read another home.");
            }
            else
            {
                context.Console.Write(RunTables.List(manifests));
            }

            return 0;
        }));
        return list;
    }

    private static Command CreateShow(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id (as printed by the program and by 'runs list'), a unique beginning of it, or 'latest'." };
        var json = new Option<bool>("--json") { Description = "Print the run's manifest as JSON, for scripts." };
        var show = new Command("show", "Show one run: status, build stamp, environment and seeds.") { runId, json };
        show.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var manifest = Live(context, context.Store.GetRun(context.RunId(parse.GetValue(runId)!)));
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(RunManifestJson.Serialize(manifest));
            }
            else
            {
                context.Console.Write(RunTables.Show(manifest));
            }

            return 0;
        }));
        return show;
    }

    /// <summary>A running run's manifest says 0 events until it ends: count what its log holds so far.</summary>
    private static RunManifest Live(CommandContext context, RunManifest manifest) =>
        manifest.Status == RunStatus.Running ? manifest with { LastSequence = context.Store.LastSequenceInLog(manifest.RunId) } : manifest;
}
