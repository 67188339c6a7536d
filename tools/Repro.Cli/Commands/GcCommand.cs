using System.CommandLine;
using System.Globalization;
using Repro.Storage.Maintenance;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary><c>repro gc [--dry-run]</c>: applies the home's retention policy.</summary>
internal static class GcCommand
{
    public static Command Create(Option<string?> home)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be removed and freed, per run and type, and change nothing." };
        var store = new Option<string?>("--store") { Description = "Also apply the policy to the central PostgreSQL store at this postgres:// address: delete its failed runs past failed_runs_days, drop past months' partitions left empty." };
        var remote = new Option<string?>("--remote") { Description = "Also remove the objects of this S3 store (s3://bucket/prefix) that no run in the central store (--store, required), the home or its trash references." };
        var endpoint = RemoteStoreAccess.EndpointOption();
        var gc = new Command("gc", $"Apply the retention policy ({RetentionPolicy.FileName} in the home): downsample old runs' raw scalars, trash old failed runs, empty the trash past its time, prune old checkpoints, remove objects no run references; with --store and --remote, the central store and the S3 store too. Crash-safe; recorded in the audit log.") { dryRun, store, remote, endpoint };
        gc.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            var policy = RetentionPolicy.Load(context.Store.Home);
            var now = DateTimeOffset.UtcNow;
            var central = parse.GetValue(store) is { } typedStore ? Repro.Storage.Postgres.PostgresStoreAddress.Parse(typedStore) : null;
            var bucket = parse.GetValue(remote) is { } typedRemote ? Repro.Artifacts.Remote.RemoteStoreAddress.Parse(typedRemote) : null;
            if (bucket is not null && central is null)
            {
                throw new ArgumentException($"gc --remote {bucket} needs --store: a bucket is shared by every machine that uploads to it, and only the central store indexes all their runs; this home alone does not know every reference.");
            }

            GcPlan plan;
            if (parse.GetValue(dryRun))
            {
                plan = GarbageCollector.Plan(context.Store, policy, now);
            }
            else if (context.IsTerminal)
            {
                GcPlan? done = null;
                context.Console.Progress().Start(progress =>
                {
                    var task = progress.AddTask("gc", maxValue: 1);
                    done = GarbageCollector.Collect(context.Store, policy, now, new Progress<GcProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                        task.Description = p.Current is { } item ? Markup.Escape($"{Verb(item.Action)} {Short(item.Target)}") : "gc";
                    }));
                    task.Value = task.MaxValue;
                });
                plan = done!;
            }
            else
            {
                plan = GarbageCollector.Collect(context.Store, policy, now);
            }

            Print(context, plan, parse.GetValue(dryRun));
            if (central is not null)
            {
                var storePlan = parse.GetValue(dryRun)
                    ? Repro.Storage.Postgres.PostgresStoreMaintenance.Plan(central, policy, now)
                    : Repro.Storage.Postgres.PostgresStoreMaintenance.Collect(central, policy, now, context.Store.Home);
                PrintElsewhere(context, central.Display, storePlan, parse.GetValue(dryRun));
            }

            if (bucket is not null)
            {
                using var client = RemoteStoreAccess.Open(bucket, parse.GetValue(endpoint));
                var remotePlan = parse.GetValue(dryRun)
                    ? RemoteGarbageCollector.Plan(context.Store, client, central!, policy, now)
                    : RemoteGarbageCollector.Collect(context.Store, client, central!, policy, now);
                PrintElsewhere(context, bucket.ToString(), remotePlan, parse.GetValue(dryRun));
            }

            return 0;
        }));
        return gc;
    }

    private static void Print(CommandContext context, GcPlan plan, bool dryRun)
    {
        foreach (var warning in plan.Warnings)
        {
            context.Error.WriteLine($"repro: gc: {warning}");
        }

        context.Output.WriteLine($"Policy: {plan.Policy}.");
        if (plan.InterruptedRuns.Count > 0)
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(dryRun ? "Will finish" : "Finished")} removing {plan.InterruptedRuns.Count} run(s) an interrupted gc had taken out of the trash: {string.Join(", ", plan.InterruptedRuns)}."));
        }

        foreach (var item in plan.Items.Where(i => i.Action is GcAction.TrashRun or GcAction.DownsampleRun or GcAction.PurgeRun))
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(dryRun ? "would " : "")}{Verb(item.Action)} run {item.Target}: {item.Why}{(item.Bytes > 0 ? $", {ArtifactsCommand.Bytes(item.Bytes)}" : "")}"));
        }

        foreach (var item in plan.Items.Where(i => i.Action == GcAction.PruneCheckpoint))
        {
            context.Output.WriteLine($"{(dryRun ? "would prune" : "pruned")} from run {item.Target}: {item.Why}, {ArtifactsCommand.Bytes(item.Checkpoint!.Size)} (freed with the unreferenced objects)");
        }

        foreach (var group in plan.Items.Where(i => i.Action is GcAction.DeleteObject or GcAction.DeleteTemporary).GroupBy(i => i.Action))
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(dryRun ? "would " : "")}{Verb(group.Key)} {group.Count()} {(group.Key == GcAction.DeleteObject ? "unreferenced object(s)" : "temporary file(s)")}, {ArtifactsCommand.Bytes(group.Sum(i => i.Bytes))}"));
        }

        context.Output.WriteLine(plan.Items.Count == 0
            ? "Nothing to remove."
            : string.Create(CultureInfo.InvariantCulture, $"{(dryRun ? "Would free" : "Freed")} {ArtifactsCommand.Bytes(plan.Bytes)}{(dryRun ? "; nothing was changed (--dry-run)." : ".")}"));
    }

    /// <summary>What gc did (or would do) to the central store or the S3 store.</summary>
    private static void PrintElsewhere(CommandContext context, string where, GcPlan plan, bool dryRun)
    {
        foreach (var warning in plan.Warnings)
        {
            context.Error.WriteLine($"repro: gc {where}: {warning}");
        }

        foreach (var item in plan.Items.Where(i => i.Action != GcAction.DeleteRemoteObject))
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{where}: {(dryRun ? "would " : "")}{(item.Action == GcAction.DeleteStoreRun ? $"delete run {item.Target}" : $"drop the partitions {item.Target}")}: {item.Why}, {ArtifactsCommand.Bytes(item.Bytes)}"));
        }

        var objects = plan.Items.Where(i => i.Action == GcAction.DeleteRemoteObject).ToList();
        if (objects.Count > 0)
        {
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{where}: {(dryRun ? "would delete" : "deleted")} {objects.Count} unreferenced object(s), {ArtifactsCommand.Bytes(objects.Sum(i => i.Bytes))}"));
        }

        context.Output.WriteLine(plan.Items.Count == 0
            ? $"{where}: nothing to remove."
            : string.Create(CultureInfo.InvariantCulture, $"{where}: {(dryRun ? "would free" : "freed")} {ArtifactsCommand.Bytes(plan.Bytes)}."));
    }

    private static string Verb(GcAction action) => action switch
    {
        GcAction.TrashRun => "trash",
        GcAction.DownsampleRun => "downsample",
        GcAction.PurgeRun => "remove",
        _ => "delete",
    };

    private static string Short(string target) => target.Length > 16 ? target[..16] + "…" : target;
}
