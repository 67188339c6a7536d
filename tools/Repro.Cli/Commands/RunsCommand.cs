using System.CommandLine;
using Repro.Cli.Rendering;
using Repro.Runs;
using Repro.Storage;

namespace Repro.Cli.Commands;

/// <summary><c>repro runs list</c>, <c>show</c>, <c>tag</c>, <c>note</c>, <c>delete</c>, <c>restore</c>, <c>trash</c> and <c>redact</c>.</summary>
internal static class RunsCommand
{
    public static Command Create(Option<string?> home)
    {
        var runs = new Command("runs", "List and inspect recorded runs.");
        runs.Subcommands.Add(CreateList(home));
        runs.Subcommands.Add(CreateShow(home));
        runs.Subcommands.Add(CreateTag(home));
        runs.Subcommands.Add(CreateNote(home));
        foreach (var command in TrashCommands.Create(home))
        {
            runs.Subcommands.Add(command);
        }

        runs.Subcommands.Add(RedactCommand.Create(home));
        return runs;
    }

    private static Command CreateList(Option<string?> home)
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array of run manifests, for scripts." };
        var store = StoreOption.Create();
        var filters = new RunFilters();
        var list = new Command("list", "List runs, newest first, or those that pass the filters in a metric's order (answered from the SQLite index, or from the central store with --store).") { json, store };
        foreach (var option in filters.All)
        {
            list.Options.Add(option);
        }

        list.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var search = filters.ToSearch(parse, DateTimeOffset.UtcNow);
            var filtered = search != new RunSearch();
            var hits = context.Reader.Search(search, (folder, reason) => context.Error.WriteLine($"repro: skipped {folder}: {reason}"));
            if (parse.GetValue(json))
            {
                // Ended runs' manifests go out as indexed, unparsed: listing thousands of runs stays fast.
                var items = hits.Select(h => h.Status == RunStatus.Running ? RunManifestJson.Serialize(Live(context, h.Manifest)) : h.ManifestJson.TrimEnd());
                context.Output.WriteLine(hits.Count == 0 ? "[]" : "[\n" + string.Join(",\n", items) + "\n]");
            }
            else if (hits.Count == 0)
            {
                // Say which home was read and why: a run recorded elsewhere is the usual reason for none.
                var where = context.ReadsLocalHome ? context.HomeDescription : context.Reader.Description;
                context.Output.WriteLine(filtered
                    ? $"No runs in {where} pass the filters."
                    : context.ReadsLocalHome ? $"No runs in {where}. Use --home or {Repro.Storage.ReproHome.EnvironmentVariable} to read another home." : $"No runs in {where}.");
            }
            else
            {
                context.Console.Write(RunTables.List(hits.Select(h => (Live(context, h.Manifest), h.SortValue)).ToList(), search.Sort));
            }

            return 0;
        }, store));
        return list;
    }

    private static Command CreateTag(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id, a unique beginning of it, or 'latest'." };
        var tags = new Argument<string[]>("tags") { Description = "Tags to set, key=value.", Arity = ArgumentArity.ZeroOrMore };
        var remove = new Option<string[]>("--remove") { Description = "A tag key to remove (repeat for several)." };
        var tag = new Command("tag", "Set or remove tags of a run; the change and its time are kept in the run's annotations.json.") { runId, tags, remove };
        tag.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var set = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var text in parse.GetValue(tags) ?? [])
            {
                var parsed = RunTags.Parse(text);
                set[parsed.Key] = parsed.Value;
            }

            var removed = parse.GetValue(remove) ?? [];
            var manifest = context.Store.Annotate(context.RunId(parse.GetValue(runId)!), set, removed, note: null);
            Repro.Storage.Audit.AuditLog.Append(context.Store.Home, "run tag", [manifest.RunId], details: new Dictionary<string, string>
            {
                // Keys only: the log is append-only, and a tag's value may be personal data that 'runs redact' must be able to erase.
                ["set"] = string.Join(", ", set.Keys),
                ["removed"] = string.Join(", ", removed),
            });
            context.Output.WriteLine($"Run {manifest.RunId} tags: {(manifest.Tags.Count == 0 ? "none" : RunTables.FormatTags(manifest.Tags))}");
            return 0;
        }));
        return tag;
    }

    private static Command CreateNote(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id, a unique beginning of it, or 'latest'." };
        var text = new Argument<string>("text") { Description = "The note (replaces the run's note; the earlier one stays in the history)." };
        var note = new Command("note", "Replace a run's note; the change and its time are kept in the run's annotations.json.") { runId, text };
        note.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var manifest = context.Store.Annotate(context.RunId(parse.GetValue(runId)!), new Dictionary<string, string>(), [], parse.GetValue(text)!);
            context.Output.WriteLine($"Run {manifest.RunId} note: {manifest.Note}");
            return 0;
        }));
        return note;
    }

    private static Command CreateShow(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id (as printed by the program and by 'runs list'), a unique beginning of it, or 'latest'." };
        var json = new Option<bool>("--json") { Description = "Print the run's manifest as JSON, for scripts." };
        var store = StoreOption.Create();
        var show = new Command("show", "Show one run: status, build stamp, environment and seeds; for one rank of a distributed job, every rank and its state.") { runId, json, store };
        show.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var manifest = Live(context, context.Reader.GetRun(context.RunId(parse.GetValue(runId)!)));
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(RunManifestJson.Serialize(manifest));
            }
            else
            {
                context.Console.Write(RunTables.Show(manifest));
                if (context.ReadsLocalHome && Repro.Storage.Maintenance.RunDownsampler.Read(ReproHome.RunDirectory(context.Store.Home, manifest.RunId)) is { } downsampled)
                {
                    context.Output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"Downsampled {downsampled.At.UtcDateTime:yyyy-MM-dd HH:mm}Z by repro gc: {downsampled.RawScalars} raw scalars replaced by {downsampled.Buckets} buckets of at most {downsampled.BucketSize} values each (min and max with their steps, mean, last); log {ArtifactsCommand.Bytes(downsampled.BytesBefore)} → {ArtifactsCommand.Bytes(downsampled.BytesAfter)}."));
                }

                if (manifest.Environment.JobId is { } job)
                {
                    context.Console.Write(RankTables.Ranks(job, [.. context.Reader.JobRuns(job).Select(rank => Live(context, rank))]));
                }
            }

            return 0;
        }, store));
        return show;
    }

    /// <summary>A running run's manifest says 0 events until it ends: count what its log holds so far.</summary>
    private static RunManifest Live(CommandContext context, RunManifest manifest) =>
        manifest.Status == RunStatus.Running ? manifest with { LastSequence = context.Reader.LastSequenceInLog(manifest.RunId) } : manifest;
}
