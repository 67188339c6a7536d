using System.CommandLine;
using System.Text.Json;
using Repro.Artifacts;
using Repro.Artifacts.Remote;
using Repro.Runs;
using Repro.Storage;
using Repro.Storage.Maintenance;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary><c>repro artifacts list|get|verify|tag</c>: a run's artifacts, verified copies of them, a check of every stored byte, local and remote, and tags moved by hand.</summary>
internal static class ArtifactsCommand
{
    public static Command Create(Option<string?> home)
    {
        var artifacts = new Command("artifacts", "List, fetch and verify the artifacts runs stored (docs/formats/artifacts.md).");
        artifacts.Subcommands.Add(CreateList(home));
        artifacts.Subcommands.Add(CreateGet(home));
        artifacts.Subcommands.Add(CreateVerify(home));
        artifacts.Subcommands.Add(CreateTag(home));
        artifacts.Subcommands.Add(ArtifactsRemoteCommands.CreateUrl(home));
        artifacts.Subcommands.Add(ArtifactsRemoteCommands.CreatePush(home));
        return artifacts;
    }

    private static Command CreateList(Option<string?> home)
    {
        var runId = RunArgument();
        var json = new Option<bool>("--json") { Description = "Print a JSON array, for scripts." };
        var list = new Command("list", "List a run's artifacts: name, kind, tags, SHA-256, size, location.") { runId, json };
        list.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var manifest = context.Store.GetRun(context.RunId(parse.GetValue(runId)!));
            var tagsByHash = manifest.Lineage.Tags.GroupBy(tag => tag.Value, StringComparer.Ordinal)
                .ToDictionary(group => group.Key, group => group.Select(tag => tag.Key).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
            List<string> TagsOf(ArtifactSummary artifact) => tagsByHash.TryGetValue(artifact.Sha256, out var tags) ? tags : [];
            var pruned = PrunedOf(context, manifest);
            var checkpoint = ArtifactKinds.Name(ArtifactKind.Checkpoint);
            PrunedCheckpoint? PrunedRecord(ArtifactSummary artifact) => artifact.Kind == checkpoint ? pruned.GetValueOrDefault(artifact.Sha256) : null;
            if (parse.GetValue(json))
            {
                var rows = manifest.Lineage.Artifacts.Select(artifact =>
                {
                    var row = new Dictionary<string, object>
                    {
                        ["name"] = artifact.Name, ["kind"] = artifact.Kind, ["tags"] = TagsOf(artifact), ["sha256"] = artifact.Sha256,
                        ["size"] = artifact.Size, ["mediaType"] = artifact.MediaType, ["step"] = artifact.Step, ["location"] = artifact.Location,
                    };
                    if (PrunedRecord(artifact) is { } record)
                    {
                        row["pruned"] = new Dictionary<string, string> { ["at"] = record.PrunedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture), ["rule"] = record.Rule };
                    }

                    return row;
                });
                context.Output.WriteLine(JsonSerializer.Serialize(rows, Indented));
            }
            else if (manifest.Lineage.Artifacts.Count == 0)
            {
                context.Output.WriteLine($"Run {manifest.RunId} recorded no artifacts.");
            }
            else
            {
                var table = new Table().AddColumns("name", "kind", "step", "tags", "sha256", "size", "location");
                foreach (var artifact in manifest.Lineage.Artifacts)
                {
                    table.AddRow(Markup.Escape(artifact.Name), artifact.Kind, artifact.Step.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        Markup.Escape(string.Join(", ", TagsOf(artifact))), artifact.Sha256, Bytes(artifact.Size), Markup.Escape(PrunedRecord(artifact) is { } record ? $"pruned by gc {record.PrunedAt.UtcDateTime:yyyy-MM-dd} ({record.Rule})" : Location(artifact)));
                }

                context.Console.Write(table);
            }

            return ExitCodes.Success;
        }));
        return list;
    }

    private static Command CreateGet(Option<string?> home)
    {
        var runId = RunArgument();
        var nameOrTag = new Argument<string>("name-or-tag") { Description = "A tag (last, best/<metric>, your own), an artifact name (its newest version) or a SHA-256 prefix." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the copy (a file, or a folder for a folder artifact).", Required = true };
        var remote = new RemoteStoreAccess();
        var get = new Command("get", "Copy an artifact out of the store, every byte verified against its SHA-256; objects missing here are fetched from the remote store it was uploaded to.") { runId, nameOrTag, output };
        remote.AddTo(get);
        get.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var manifest = context.Store.GetRun(context.RunId(parse.GetValue(runId)!));
            var artifact = RunArtifacts.Find(manifest, parse.GetValue(nameOrTag)!);
            var store = new ContentStore(context.Store.Home);
            var destination = Path.GetFullPath(parse.GetValue(output)!);
            using var fetcher = new RemoteFetcher(context, remote, parse, manifest, store);
            try
            {
                fetcher.EnsureLocal(artifact.Sha256);
            }
            catch (ObjectNotFoundException)
            {
                // the remote copy is gone too: say so below if gc pruned it here
            }

            if (!store.Contains(artifact.Sha256) && artifact.Kind == ArtifactKinds.Name(ArtifactKind.Checkpoint) && PrunedOf(context, manifest).GetValueOrDefault(artifact.Sha256) is { } pruned)
            {
                throw new ObjectNotFoundException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Checkpoint {artifact.Name} at step {artifact.Step} ({artifact.Sha256}) of run {manifest.RunId} was pruned by gc on {pruned.PrunedAt.UtcDateTime:yyyy-MM-dd} ({pruned.Rule}), and no remote store holds a copy. "
                    + $"To keep a run's checkpoints, tag it before gc runs: repro runs tag {manifest.RunId} retention.keep_last_checkpoints=never."));
            }

            if (artifact.MediaType == FolderListing.MediaType)
            {
                var files = FolderListing.Decode(store.ReadAllBytes(artifact.Sha256));
                foreach (var file in files)
                {
                    fetcher.EnsureLocal(file.Sha256);
                    store.CopyTo(file.Sha256, Path.Combine(destination, file.RelativePath.Replace('/', Path.DirectorySeparatorChar)));
                }

                context.Output.WriteLine($"{artifact.Name} ({artifact.Sha256}): {files.Count} files, {Bytes(artifact.Size)}, verified, in {destination}");
            }
            else
            {
                store.CopyTo(artifact.Sha256, destination);
                context.Output.WriteLine($"{artifact.Name} ({artifact.Sha256}): {Bytes(artifact.Size)}, verified, written to {destination}");
            }

            return ExitCodes.Success;
        }));
        return get;
    }

    private static Command CreateTag(Option<string?> home)
    {
        var runId = RunArgument();
        var tag = new Argument<string>("tag") { Description = "The tag to point: last, best/<metric>, or your own (letters, digits, '-', '_', '.', '/')." };
        var target = new Argument<string>("name-or-sha256") { Description = "The artifact it should point at: a name (its newest version), a tag, or a SHA-256 prefix." };
        var reason = new Option<string>("--reason") { Description = "Why the tag is moved by hand; recorded in the audit log.", Required = true };
        var command = new Command("tag", "Point an artifact tag of an ended run at another of its artifacts, by hand (kept in the run's annotations; the log is unchanged); recorded in the audit log with the tag's old and new target.") { runId, tag, target, reason };
        command.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var manifest = context.Store.GetRun(context.RunId(parse.GetValue(runId)!));
            var artifact = RunArtifacts.Find(manifest, parse.GetValue(target)!);
            var name = parse.GetValue(tag)!;
            var (_, previous) = context.Store.MoveArtifactTag(manifest.RunId, name, artifact.Sha256, parse.GetValue(reason)!);
            context.Output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Tag {name} of run {manifest.RunId} now points at {artifact.Name} at step {artifact.Step} ({artifact.Sha256}){(previous is null ? "" : $"; it pointed at {previous}")}."));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command CreateVerify(Option<string?> home)
    {
        var runId = new Argument<string?>("run-id") { Description = "The run to check; every run when left out.", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Print the result per object as JSON." };
        var remote = new RemoteStoreAccess();
        var verify = new Command("verify", "Rehash every object runs reference (artifacts, folder files, dataset listings, splits), locally and in the remote store they were uploaded to (or --store); exit 1 on any mismatch or missing object.") { runId, json };
        remote.AddTo(verify);
        verify.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var manifests = parse.GetValue(runId) is { } typed
                ? [context.Store.GetRun(context.RunId(typed))]
                : context.Store.ListRuns((folder, reason) => context.Error.WriteLine($"repro: skipped {folder}: {reason}"));
            var store = new ContentStore(context.Store.Home);
            var results = new List<(string Run, string What, string Sha256, string Status, string? Remote)>();
            var clients = new Dictionary<RemoteStoreAddress, S3ObjectStore>();
            try
            {
                foreach (var manifest in manifests)
                {
                    var address = remote.Address(parse, manifest, recordedOnly: true);
                    if (address is not null && !clients.ContainsKey(address))
                    {
                        clients[address] = remote.Open(parse, address);
                    }

                    var pruned = PrunedOf(context, manifest);
                    foreach (var (what, hash) in Referenced(manifest, store))
                    {
                        // A checkpoint gc pruned is missing by design, and says so instead of failing the check.
                        var local = Check(store, hash) is "missing" && pruned.ContainsKey(hash) ? "pruned" : Check(store, hash);
                        results.Add((manifest.RunId, what, hash, local, address is null ? null : CheckRemote(clients[address], hash)));
                    }
                }
            }
            finally
            {
                foreach (var client in clients.Values)
                {
                    client.Dispose();
                }
            }

            var anyRemote = results.Any(result => result.Remote is not null);
            if (parse.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(results.Select(r =>
                {
                    var row = new Dictionary<string, string> { ["run"] = r.Run, ["object"] = r.What, ["sha256"] = r.Sha256, ["status"] = r.Status };
                    if (r.Remote is not null)
                    {
                        row["remote"] = r.Remote;
                    }

                    return row;
                }), Indented));
            }
            else
            {
                var table = new Table().AddColumns(anyRemote ? ["run", "object", "sha256", "status", "remote"] : ["run", "object", "sha256", "status"]);
                foreach (var result in results)
                {
                    var cells = new List<string> { result.Run, Markup.Escape(result.What), result.Sha256, Colour(result.Status) };
                    if (anyRemote)
                    {
                        cells.Add(result.Remote is null ? "-" : Colour(result.Remote));
                    }

                    table.AddRow([.. cells]);
                }

                context.Console.Write(table);
            }

            var bad = results.Count(result => result.Status is not ("ok" or "pruned") || result.Remote is not (null or "ok"));
            var prunedCount = results.Count(result => result.Status == "pruned");
            var prunedNote = prunedCount == 0 ? "" : $" ({prunedCount} pruned by gc, as its record says)";
            context.Output.WriteLine(bad == 0
                ? $"{results.Count - prunedCount} objects verified, all intact{prunedNote}."
                : $"{bad} of {results.Count} objects are damaged or missing{prunedNote}.");
            return bad == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return verify;
    }

    /// <summary>Every object a run references, each once: artifacts, the files of folder artifacts, dataset listings, splits.</summary>
    internal static IEnumerable<(string What, string Sha256)> Referenced(RunManifest manifest, ContentStore store)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var artifact in manifest.Lineage.Artifacts)
        {
            if (seen.Add(artifact.Sha256))
            {
                yield return ($"artifact {artifact.Name}", artifact.Sha256);
            }

            if (artifact.MediaType == FolderListing.MediaType && Check(store, artifact.Sha256) == "ok")
            {
                foreach (var file in FolderListing.Decode(store.ReadAllBytes(artifact.Sha256)).Where(file => seen.Add(file.Sha256)))
                {
                    yield return ($"artifact {artifact.Name}/{file.RelativePath}", file.Sha256);
                }
            }
        }

        foreach (var dataset in manifest.Lineage.Datasets.Where(dataset => dataset.ListingSha256.Length > 0 && seen.Add(dataset.ListingSha256)))
        {
            yield return ($"dataset {dataset.Name} listing", dataset.ListingSha256);
        }

        foreach (var split in manifest.Lineage.Splits.Where(split => seen.Add(split.Sha256)))
        {
            yield return ($"split {split.Name}", split.Sha256);
        }
    }

    internal static string Check(ContentStore store, string hash)
    {
        try
        {
            store.Verify(hash);
            return "ok";
        }
        catch (CorruptObjectException)
        {
            return "corrupt";
        }
        catch (ObjectNotFoundException)
        {
            return "missing";
        }
    }

    private static string CheckRemote(S3ObjectStore remote, string hash)
    {
        try
        {
            return remote.HashAsync(hash).GetAwaiter().GetResult() == hash ? "ok" : "corrupt";
        }
        catch (ObjectNotFoundException)
        {
            return "missing";
        }
    }

    private static string Colour(string status) => status switch { "ok" => "ok", "pruned" => "[yellow]pruned[/]", _ => $"[red]{status}[/]" };

    /// <summary>The checkpoints gc pruned from the run, by object; none when the record cannot be read (a warning says so).</summary>
    private static Dictionary<string, PrunedCheckpoint> PrunedOf(CommandContext context, RunManifest manifest)
    {
        try
        {
            return PrunedCheckpoints.Read(ReproHome.RunDirectory(context.Store.Home, manifest.RunId))
                .GroupBy(p => p.Sha256, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        }
        catch (InvalidDataException e)
        {
            context.Error.WriteLine($"repro: warning: {e.Message}");
            return [];
        }
    }

    // The local store's location is the hash again: say where it is instead of repeating 64 digits.
    private static string Location(ArtifactSummary artifact) =>
        artifact.Location == "cas:sha256/" + artifact.Sha256 ? "local store" : artifact.Location;

    private static Argument<string> RunArgument() =>
        new("run-id") { Description = "The run's id, a unique beginning of it, or 'latest'." };

    internal static string Bytes(long size) => size switch
    {
        < 1024 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{size} B"),
        < 1024 * 1024 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{size / 1024.0:F1} KiB"),
        < 1024L * 1024 * 1024 => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{size / (1024.0 * 1024):F1} MiB"),
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{size / (1024.0 * 1024 * 1024):F2} GiB"),
    };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
