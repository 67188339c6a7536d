using System.CommandLine;
using System.Globalization;
using Repro.Storage.Maintenance;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary><c>repro du [&lt;run&gt;]</c>: what the home takes on disk, per run, or per kind of record for one run.</summary>
internal static class DuCommand
{
    public static Command Create(Option<string?> home)
    {
        var runId = new Argument<string?>("run-id") { Description = "Break one run's log down by kind of record (scalars, aggregates, sketches, text…).", Arity = ArgumentArity.ZeroOrOne };
        var top = new Option<int>("--top") { Description = "Show the largest N runs (all by default).", DefaultValueFactory = _ => 0 };
        var du = new Command("du", "Show disk usage: per run (log, other files, artifacts and what other runs share), the content store, the index and the trash; with a run, its log per kind of record.") { runId, top };
        du.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            if (parse.GetValue(runId) is { } typed)
            {
                var id = context.RunId(typed);
                var table = new Table().AddColumns("Kind", "Records", "Values", "Encoded");
                foreach (var usage in DiskUsage.ByEventType(context.Store, id))
                {
                    table.AddRow(usage.Type, Count(usage.Records), Count(usage.Values), ArtifactsCommand.Bytes(usage.EncodedBytes));
                }

                context.Output.WriteLine($"Run {id}, its log by kind of record:");
                context.Console.Write(table);
                return 0;
            }

            var limit = parse.GetValue(top);
            if (limit < 0)
            {
                throw new ArgumentException("--top takes a positive number of runs.");
            }

            var measured = DiskUsage.Measure(context.Store, (folder, why) => context.Error.WriteLine($"repro: skipped {folder}: {why}"));
            var runs = new Table().AddColumns("Run", "Name", "Where", "Log", "Other", "Artifacts", "Shared");
            foreach (var run in limit > 0 ? measured.Runs.Take(limit) : measured.Runs)
            {
                runs.AddRow(run.RunId, Markup.Escape(run.Name), run.InTrash ? "trash" : "home", ArtifactsCommand.Bytes(run.LogBytes), ArtifactsCommand.Bytes(run.OtherBytes), ArtifactsCommand.Bytes(run.ArtifactBytes), ArtifactsCommand.Bytes(run.SharedArtifactBytes));
            }

            context.Console.Write(runs);
            var inTrash = measured.Runs.Where(r => r.InTrash).ToList();
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Home {context.Store.Home}: {ArtifactsCommand.Bytes(measured.TotalBytes)} in all. Runs: {measured.Runs.Count - inTrash.Count} ({ArtifactsCommand.Bytes(measured.Runs.Where(r => !r.InTrash).Sum(r => r.LogBytes + r.OtherBytes))} of logs). Trash: {inTrash.Count} run(s), {ArtifactsCommand.Bytes(inTrash.Sum(r => r.LogBytes + r.OtherBytes))}. Objects: {ArtifactsCommand.Bytes(measured.ObjectBytes)}, of which {ArtifactsCommand.Bytes(measured.UnreferencedObjectBytes)} unreferenced. Index: {ArtifactsCommand.Bytes(measured.IndexBytes)}."));
            return 0;
        }));
        return du;
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
