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
        var store = new Option<string?>("--store") { Description = "Also show the central PostgreSQL store at this postgres:// address: each month's partitions, the largest runs, the other tables." };
        var remote = new Option<string?>("--remote") { Description = "Also show the S3 store s3://bucket/prefix: its objects, and how much of it runs in the home (and the central store, with --store) reference." };
        var endpoint = RemoteStoreAccess.EndpointOption();
        var du = new Command("du", "Show disk usage: per run (log, other files, artifacts and what other runs share), the content store, the index and the trash; with a run, its log per kind of record; with --store and --remote, the central store and the S3 store.") { runId, top, store, remote, endpoint };
        du.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var central = parse.GetValue(store) is { } typedStore ? Repro.Storage.Postgres.PostgresStoreAddress.Parse(typedStore) : null;
            var bucket = parse.GetValue(remote) is { } typedRemote ? Repro.Artifacts.Remote.RemoteStoreAddress.Parse(typedRemote) : null;
            if (central is not null || bucket is not null)
            {
                if (parse.GetValue(runId) is not null)
                {
                    throw new ArgumentException("du <run> breaks down a run of the home; leave out --store and --remote.");
                }

                if (Directory.Exists(context.Store.Home))
                {
                    Local(context, parse.GetValue(top));
                }

                if (central is not null)
                {
                    Central(context, central, parse.GetValue(top));
                }

                if (bucket is not null)
                {
                    using var client = RemoteStoreAccess.Open(bucket, parse.GetValue(endpoint));
                    var usage = RemoteGarbageCollector.Usage(context.Store, client, central);
                    context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"Remote store {bucket}: {Count(usage.Objects)} objects, {ArtifactsCommand.Bytes(usage.Bytes)}; referenced by runs in the home{(central is null ? "" : " or the central store")}: {Count(usage.ReferencedObjects)} ({ArtifactsCommand.Bytes(usage.ReferencedBytes)}); unreferenced: {Count(usage.UnreferencedObjects)} ({ArtifactsCommand.Bytes(usage.UnreferencedBytes)})."));
                }

                return 0;
            }

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

            Local(context, parse.GetValue(top));
            return 0;
        }));
        return du;
    }

    private static void Local(CommandContext context, int top)
    {
        var limit = top;
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
    }

    private static void Central(CommandContext context, Repro.Storage.Postgres.PostgresStoreAddress central, int top)
    {
        var usage = Repro.Storage.Postgres.PostgresStoreMaintenance.Usage(central, top > 0 ? top : 20);
        var months = new Table().AddColumns("Month", "Runs", "Events", "Scalars", "Total");
        foreach (var month in usage.Months)
        {
            months.AddRow(month.Suffix, Count(month.Runs), ArtifactsCommand.Bytes(month.EventsBytes), ArtifactsCommand.Bytes(month.ScalarsBytes), ArtifactsCommand.Bytes(month.TotalBytes));
        }

        context.Output.WriteLine($"Central store {central.Display}, its partitions by month:");
        context.Console.Write(months);
        var runs = new Table().AddColumns("Run", "Name", "Status", "Events", "Scalars");
        foreach (var run in usage.Runs)
        {
            runs.AddRow(run.RunId, Markup.Escape(run.Name), run.Status, ArtifactsCommand.Bytes(run.EventsBytes), ArtifactsCommand.Bytes(run.ScalarsBytes));
        }

        context.Output.WriteLine("Its largest runs (stored size of their rows):");
        context.Console.Write(runs);
        context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Central store {central.Display}: {ArtifactsCommand.Bytes(usage.TotalBytes)} in all. Runs: {Count(usage.RunCount)}. Partitions: {ArtifactsCommand.Bytes(usage.Months.Sum(m => m.TotalBytes))} in {usage.Months.Count} month(s). Other tables: {ArtifactsCommand.Bytes(usage.OtherBytes)}."));
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
