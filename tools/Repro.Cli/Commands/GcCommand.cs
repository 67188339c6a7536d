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
        var gc = new Command("gc", $"Apply the retention policy ({RetentionPolicy.FileName} in the home): downsample old runs' raw scalars, trash old failed runs, empty the trash past its time, remove objects no run references. Crash-safe; recorded in the audit log.") { dryRun };
        gc.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            var policy = RetentionPolicy.Load(context.Store.Home);
            var now = DateTimeOffset.UtcNow;
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

    private static string Verb(GcAction action) => action switch
    {
        GcAction.TrashRun => "trash",
        GcAction.DownsampleRun => "downsample",
        GcAction.PurgeRun => "remove",
        _ => "delete",
    };

    private static string Short(string target) => target.Length > 16 ? target[..16] + "…" : target;
}
