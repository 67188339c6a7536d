using Repro.Artifacts;
using Repro.Artifacts.Remote;
using Repro.Storage;
using Repro.Storage.Audit;
using Repro.Storage.Maintenance;
using Repro.Storage.Postgres;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Services;

namespace Repro.Runtime.Tests.Storage.Maintenance;

/// <summary>
/// gc of a real S3-compatible store on loopback, with references from a real central store: only objects no run
/// anywhere references (and older than the grace time) go; checkpoints pruned here go there too.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class RemoteGarbageCollectorTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>, IDisposable
{
    private const string Store = "s3://" + S3Server.Bucket + "/gc";
    private static readonly MetricDeclaration s_loss = new("remote_gc_loss");
    private readonly TemporaryDirectory _files = new("repro-remote-gc");
    private S3Server? _started;

    private S3Server Server => _started ??= S3Server.Start();

    public void Dispose()
    {
        _started?.Dispose();
        _files.Dispose();
    }

    [SkippableFact]
    public void Only_objects_no_run_in_the_central_store_the_home_or_its_trash_references_go_and_pruned_checkpoints_go_too()
    {
        var central = databases.NewDatabase();
        var address = PostgresStoreAddress.Parse(central);
        using var homeA = new TemporaryDirectory("repro-remote-gc-a");
        using var homeB = new TemporaryDirectory("repro-remote-gc-b");
        var (runA, checkpointsA, folderA) = Record(homeA.Path, central, "a");
        var (_, checkpointsB, _) = Record(homeB.Path, central, "b"); // another machine's run: known here only through the central store
        using var remote = new S3ObjectStore(RemoteStoreAddress.Parse(Store), Settings());
        var orphanPath = _files.Combine("orphan.bin");
        File.WriteAllText(orphanPath, "uploaded by a run that was never shipped");
        var orphan = ContentHash.Of(File.ReadAllBytes(orphanPath));
        remote.UploadAsync(orphan, orphanPath).GetAwaiter().GetResult();
        // The folder's listing only in the bucket: gc must fetch it to know the files it names.
        var localA = new ContentStore(homeA.Path);
        File.Delete(localA.PathOf(folderA));
        var storeA = new RunStore(homeA.Path);
        var policy = new RetentionPolicy();
        var later = DateTimeOffset.UtcNow.AddDays(2);
        var before = remote.ListAsync().GetAwaiter().GetResult().Select(o => o.Sha256).ToHashSet();

        Assert.Empty(RemoteGarbageCollector.Plan(storeA, remote, address, policy, DateTimeOffset.UtcNow).Items); // everything is younger than the grace time
        var plan = RemoteGarbageCollector.Plan(storeA, remote, address, policy, later);
        Assert.Empty(plan.Warnings);
        Assert.Equal([orphan], plan.Items.Select(i => i.Target));
        Assert.True(localA.Contains(folderA), "the listing was fetched back");

        // Pruning a checkpoint here frees its copy in the bucket too, although the central store's manifest names it.
        GarbageCollector.Collect(storeA, policy with { KeepLastCheckpoints = 0, DownsampleAfter = null }, later);
        var usage = RemoteGarbageCollector.Usage(storeA, remote, address);
        var collected = RemoteGarbageCollector.Collect(storeA, remote, address, policy, later);

        Assert.Equal(new[] { orphan, checkpointsA[0] }.Order(StringComparer.Ordinal), collected.Items.Select(i => i.Target).Order(StringComparer.Ordinal));
        var after = remote.ListAsync().GetAwaiter().GetResult().Select(o => o.Sha256).ToHashSet();
        Assert.Equal(before.Except([orphan, checkpointsA[0]]).Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
        Assert.Contains(checkpointsA[1], after);
        Assert.Contains(checkpointsB[0], after); // the other machine's pruned-nowhere checkpoint stays
        Assert.Equal(before.Count, usage.Objects);
        Assert.Equal(2, usage.UnreferencedObjects);
        var audit = AuditLog.Read(homeA.Path).Last();
        Assert.Equal((Store, "2"), (audit.Details["target"], audit.Details["remote_objects_deleted"]));
        Assert.Contains(runA, storeA.ListRuns().Select(r => r.RunId));
    }

    [SkippableFact]
    public void An_unreadable_folder_listing_stops_every_removal_with_a_warning_naming_it()
    {
        var central = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-remote-gc-c");
        var (_, _, folder) = Record(home.Path, central, "c");
        using var remote = new S3ObjectStore(RemoteStoreAddress.Parse(Store), Settings());
        File.Delete(new ContentStore(home.Path).PathOf(folder));
        remote.DeleteAsync(folder).GetAwaiter().GetResult(); // lost everywhere: its files' references are unknown

        var plan = RemoteGarbageCollector.Plan(new RunStore(home.Path), remote, PostgresStoreAddress.Parse(central), new RetentionPolicy(), DateTimeOffset.UtcNow.AddDays(2));

        Assert.Empty(plan.Items);
        Assert.Contains(plan.Warnings, w => w.Contains("listing of folder artifact data", StringComparison.Ordinal));
        Assert.Contains(plan.Warnings, w => w.Contains("no object of " + Store + " was removed", StringComparison.Ordinal));
    }

    private (string RunId, List<string> Checkpoints, string Folder) Record(string home, string central, string label)
    {
        var folder = Path.Combine(_files.Path, label + "-data");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "x.csv"), label + ",1");
        File.WriteAllText(Path.Combine(folder, "y.csv"), label + ",2");
        var checkpoints = new List<string>();
        string folderHash;
        string runId;
        using (var run = Run.Start(new RunOptions
        {
            Home = home,
            TelemetryInterval = TimeSpan.Zero,
            HookProcessEvents = false,
            WarningsToStandardError = false,
            Store = central,
            StoreShipInterval = TimeSpan.FromMilliseconds(50),
            ArtifactStore = Store,
            ArtifactStoreSettings = Settings(),
            ArtifactUploadGrace = TimeSpan.FromSeconds(30),
        }))
        {
            runId = run.Id.ToString();
            for (var step = 1; step <= 2; step++)
            {
                run.LogScalar(s_loss, step, 1.0 / step);
                var path = Path.Combine(_files.Path, $"{label}-model-{step}.bin");
                File.WriteAllText(path, $"{label} weights {step}");
                checkpoints.Add(run.LogArtifact("model", path, new ArtifactOptions { Kind = ArtifactKind.Checkpoint, Step = step }).Wait().Sha256);
            }

            folderHash = run.LogArtifact("data", folder).Wait().Sha256;
        }

        Thread.Sleep(2);
        return (runId, checkpoints, folderHash);
    }

    private S3StoreSettings Settings() => new()
    {
        Endpoint = Server.Endpoint,
        FirstRetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromMilliseconds(400),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };
}
