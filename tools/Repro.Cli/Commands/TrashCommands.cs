using System.CommandLine;
using System.Globalization;
using Repro.Storage.Maintenance;

namespace Repro.Cli.Commands;

/// <summary><c>repro runs delete</c>, <c>runs restore</c> and <c>runs trash</c>: soft delete, audited.</summary>
internal static class TrashCommands
{
    public static IEnumerable<Command> Create(Option<string?> home)
    {
        yield return CreateDelete(home);
        yield return CreateRestore(home);
        yield return CreateList(home);
    }

    private static Command CreateDelete(Option<string?> home)
    {
        var runIds = new Argument<string[]>("run-id") { Description = "The run's id, a unique beginning of it, or 'latest' (several may be given).", Arity = ArgumentArity.OneOrMore };
        var reason = new Option<string>("--reason") { Description = "Why the run is deleted; recorded in the audit log.", Required = true };
        var delete = new Command("delete", "Move runs to the trash (restorable with 'runs restore' until 'repro gc' empties it after the retention policy's trash_days); recorded in the audit log.") { runIds, reason };
        delete.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            var ids = (parse.GetValue(runIds) ?? []).Select(context.RunId).Distinct(StringComparer.Ordinal).ToList();
            foreach (var runId in ids)
            {
                var trashed = RunTrash.Delete(context.Store, runId, parse.GetValue(reason)!);
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Moved run {trashed.RunId}{(trashed.Name.Length > 0 ? $" ({trashed.Name})" : "")} to the trash, {ArtifactsCommand.Bytes(trashed.Bytes)}; 'repro runs restore {trashed.RunId}' brings it back."));
            }

            return 0;
        }));
        return delete;
    }

    private static Command CreateRestore(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The id of a run in the trash, or a unique beginning of it." };
        var reason = new Option<string?>("--reason") { Description = "Why it is restored; recorded in the audit log." };
        var restore = new Command("restore", "Bring a run back from the trash, exactly as it was deleted; recorded in the audit log.") { runId, reason };
        restore.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            var trashed = RunTrash.Restore(context.Store, parse.GetValue(runId)!, parse.GetValue(reason));
            context.Output.WriteLine($"Restored run {trashed.RunId}{(trashed.Name.Length > 0 ? $" ({trashed.Name})" : "")}.");
            return 0;
        }));
        return restore;
    }

    private static Command CreateList(Option<string?> home)
    {
        var trash = new Command("trash", "List the runs in the trash: who deleted them, when and why, and when gc will remove them.");
        trash.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var runs = RunTrash.List(context.Store.Home, (entry, why) => context.Error.WriteLine($"repro: skipped {entry}: {why}"));
            if (runs.Count == 0)
            {
                context.Output.WriteLine($"The trash of {context.HomeDescription} is empty.");
                return 0;
            }

            var policy = RetentionPolicy.Load(context.Store.Home);
            foreach (var run in runs)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{run.RunId}  {run.Name}  {ArtifactsCommand.Bytes(run.Bytes)}  deleted {run.DeletedAt.UtcDateTime:yyyy-MM-dd HH:mm}Z by {run.User}@{run.Host}  removed by gc after {(run.DeletedAt + policy.TrashFor).UtcDateTime:yyyy-MM-dd HH:mm}Z  reason: {run.Reason}"));
            }

            return 0;
        }));
        return trash;
    }
}
