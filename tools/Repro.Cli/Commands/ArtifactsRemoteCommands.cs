using System.CommandLine;
using Repro.Artifacts;
using Repro.Artifacts.Remote;
using Spectre.Console;

namespace Repro.Cli.Commands;

/// <summary><c>repro artifacts url|push</c>: temporary links to uploaded artifacts, and uploads that were owed or never made.</summary>
internal static class ArtifactsRemoteCommands
{
    public static Command CreateUrl(Option<string?> home)
    {
        var runId = new Argument<string>("run-id") { Description = "The run's id, a unique beginning of it, or 'latest'." };
        var nameOrTag = new Argument<string>("name-or-tag") { Description = "A tag, an artifact name (its newest version) or a SHA-256 prefix." };
        var expires = new Option<string>("--expires") { Description = "How long the link works: 90s, 30m, 12h, 7d (at most 7d).", DefaultValueFactory = _ => "1h" };
        var remote = new RemoteStoreAccess();
        var url = new Command("url", "Print a pre-signed URL that downloads an uploaded artifact until it expires (a folder: one per file).") { runId, nameOrTag, expires };
        remote.AddTo(url);
        url.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            var manifest = context.Store.GetRun(context.RunId(parse.GetValue(runId)!));
            var artifact = RunArtifacts.Find(manifest, parse.GetValue(nameOrTag)!);
            var expiry = RemoteStoreAccess.ParseExpiry(parse.GetValue(expires)!);
            var address = remote.Address(parse, manifest)
                ?? throw new ArgumentException($"{artifact.Name} is only in the local store: set {RemoteStoreAddress.EnvironmentVariable} (or --store) and run `repro artifacts push {manifest.RunId}` first.");
            using var store = remote.Open(parse, address);
            if (store.SizeOfAsync(artifact.Sha256).GetAwaiter().GetResult() is null)
            {
                throw new ObjectNotFoundException($"{address.LocationOf(artifact.Sha256)} is not uploaded (yet): run `repro artifacts push {manifest.RunId}`.");
            }

            if (artifact.MediaType == FolderListing.MediaType)
            {
                var files = FolderListing.Decode(new ContentStore(context.Store.Home).ReadAllBytes(artifact.Sha256));
                foreach (var file in files)
                {
                    context.Output.WriteLine($"{file.RelativePath}\t{store.PresignGet(file.Sha256, expiry)}");
                }
            }
            else
            {
                context.Output.WriteLine(store.PresignGet(artifact.Sha256, expiry));
            }

            return ExitCodes.Success;
        }));
        return url;
    }

    public static Command CreatePush(Option<string?> home)
    {
        var runIds = new Argument<string[]>("run-id") { Description = "Runs whose every object to upload (recorded offline, or before the store was set); none: only the owed uploads.", Arity = ArgumentArity.ZeroOrMore };
        var remote = new RemoteStoreAccess();
        var push = new Command("push", "Upload what the upload journal still owes the remote store, and every object of the named runs; objects already there are not sent again.") { runIds };
        remote.AddTo(push);
        push.SetAction(parse => CommandContext.Run(parse, home, context =>
        {
            context.RequireHome();
            var manifests = parse.GetValue(runIds)!.Select(typed => context.Store.GetRun(context.RunId(typed))).ToList();
            var address = remote.Address(parse, manifests.FirstOrDefault())
                ?? throw new ArgumentException($"No remote store: set {RemoteStoreAddress.EnvironmentVariable} or pass --store s3://bucket/prefix.");
            var local = new ContentStore(context.Store.Home);
            var journal = new UploadJournal(context.Store.Home, address);
            var hashes = journal.Pending().Concat(manifests.SelectMany(manifest => ArtifactsCommand.Referenced(manifest, local).Select(item => item.Sha256)))
                .Distinct(StringComparer.Ordinal).ToList();
            using var store = remote.Open(parse, address);
            var (sent, present, failed) = (0, 0, 0);
            void UploadAll(Action? advance)
            {
                foreach (var hash in hashes)
                {
                    try
                    {
                        var outcome = store.UploadAsync(hash, local.VerifiedPath(hash)).GetAwaiter().GetResult();
                        journal.Remove(hash);
                        if (outcome == UploadOutcome.Uploaded)
                        {
                            sent++;
                        }
                        else
                        {
                            present++;
                        }
                    }
                    catch (Exception e) when (e is CorruptObjectException or ObjectNotFoundException)
                    {
                        failed++;
                        context.Error.WriteLine($"repro: {hash} not uploaded: {e.Message}");
                    }

                    advance?.Invoke();
                }
            }

            if (context.IsTerminal && hashes.Count > 1)
            {
                context.Console.Progress().Start(progress =>
                {
                    var task = progress.AddTask($"uploading to {Markup.Escape(address.ToString())}", maxValue: hashes.Count);
                    UploadAll(() => task.Increment(1));
                });
            }
            else
            {
                UploadAll(null);
            }

            context.Output.WriteLine($"{address}: {sent} uploaded, {present} already there, {failed} failed.");
            return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
        }));
        return push;
    }
}
