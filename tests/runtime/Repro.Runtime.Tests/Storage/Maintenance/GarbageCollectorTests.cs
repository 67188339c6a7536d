using Repro.Artifacts;
using Repro.Runs;
using Repro.Storage;
using Repro.Storage.Audit;
using Repro.Storage.Maintenance;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage.Maintenance;

/// <summary><c>repro gc</c> on real runs: what each rule removes, what it must never remove, and what it records.</summary>
[Collection(SequentialRuns.Name)]
public sealed class GarbageCollectorTests
{
    private static readonly DateTimeOffset s_monthLater = DateTimeOffset.UtcNow.AddDays(31);

    [Fact]
    public void The_trash_is_emptied_after_its_time_with_the_objects_only_emptied_runs_referenced_and_nothing_a_remaining_run_references()
    {
        using var home = new TemporaryDirectory("repro-gc");
        var live = MaintenanceHomes.Record(home.Path, "live", checkpoint: [1, 1, 1]);
        var shared = MaintenanceHomes.Record(home.Path, "shares live's checkpoint", checkpoint: [1, 1, 1]);
        var old = MaintenanceHomes.Record(home.Path, "old", checkpoint: [2, 2, 2]);
        var recent = MaintenanceHomes.Record(home.Path, "recently deleted", checkpoint: [3, 3, 3]);
        var store = new RunStore(home.Path);
        var objects = new ContentStore(home.Path);
        var hashes = new[] { live, old, recent }.ToDictionary(id => id, id => store.GetRun(id).Lineage.Artifacts.Single().Sha256);
        RunTrash.Delete(store, shared, "duplicate");
        RunTrash.Delete(store, old, "superseded");
        // "recent" is deleted 20 days after the others: at a month past now it has been in the trash 11 days.
        RunTrash.MoveToTrash(store, recent, "later", "user", DateTimeOffset.UtcNow.AddDays(20));

        var dry = GarbageCollector.Plan(store, new RetentionPolicy(), s_monthLater);
        var collected = GarbageCollector.Collect(store, new RetentionPolicy(), s_monthLater);

        Assert.Equal(dry.Items, collected.Items);
        Assert.Equal([(GcAction.PurgeRun, shared), (GcAction.PurgeRun, old), (GcAction.DeleteObject, hashes[old])], collected.Items.Select(i => (i.Action, i.Target)));
        Assert.Equal([recent], RunTrash.List(home.Path).Select(r => r.RunId));
        Assert.Equal([live], store.ListRuns().Select(r => r.RunId));
        Assert.False(Directory.Exists(RunTrash.EntryDirectory(home.Path, old)));
        Assert.Empty(Directory.GetFileSystemEntries(GarbageCollector.DoomedDirectory(home.Path)));
        Assert.True(objects.Contains(hashes[live]), "the live run's checkpoint, which an emptied run also named, stays");
        Assert.True(objects.Contains(hashes[recent]), "a run still in the trash keeps its objects: it can be restored");
        Assert.False(objects.Contains(hashes[old]));
        Assert.True(collected.Bytes > 0);

        // The restored run is whole, checkpoint included.
        RunTrash.Restore(store, recent);
        objects.Verify(store.GetRun(recent).Lineage.Artifacts.Single().Sha256);

        var gc = AuditLog.Read(home.Path).Single(r => r.Action == "gc");
        Assert.Equal([shared, old], gc.Runs);
        Assert.Equal("2", gc.Details["runs_purged"]);
        Assert.Equal("1", gc.Details["objects_deleted"]);
        Assert.Equal(collected.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), gc.Details["bytes_freed"]);
        Assert.True(AuditLog.Verify(home.Path).Intact);
    }

    [Fact]
    public void A_dry_run_changes_nothing_on_disk()
    {
        using var home = new TemporaryDirectory("repro-gc");
        var store = new RunStore(home.Path);
        RunTrash.Delete(store, MaintenanceHomes.Record(home.Path, "a", checkpoint: [7]), "test");
        MaintenanceHomes.Record(home.Path, "b", fail: true);
        var before = MaintenanceHomes.Fingerprint(home.Path);

        var plan = GarbageCollector.Plan(store, new RetentionPolicy { FailedRunsFor = TimeSpan.FromDays(1) }, s_monthLater);

        Assert.Equal([GcAction.TrashRun, GcAction.PurgeRun, GcAction.DeleteObject], plan.Items.Select(i => i.Action));
        Assert.Equal(before, MaintenanceHomes.Fingerprint(home.Path));
    }

    [Fact]
    public void Failed_and_crashed_runs_go_to_the_trash_after_their_time_unless_tagged_to_keep_and_finished_runs_never()
    {
        using var home = new TemporaryDirectory("repro-gc");
        var finished = MaintenanceHomes.Record(home.Path, "finished");
        var failed = MaintenanceHomes.Record(home.Path, "failed", fail: true);
        var kept = MaintenanceHomes.Record(home.Path, "failed but kept", fail: true, tags: new Dictionary<string, string> { ["retention"] = "keep" });
        var store = new RunStore(home.Path);
        var policy = RetentionPolicy.Parse("{ \"failed_runs_days\": 14 }");

        Assert.Empty(GarbageCollector.Collect(store, policy, DateTimeOffset.UtcNow.AddDays(13)).Items);
        var collected = GarbageCollector.Collect(store, policy, DateTimeOffset.UtcNow.AddDays(15));

        Assert.Equal([(GcAction.TrashRun, failed)], collected.Items.Select(i => (i.Action, i.Target)));
        Assert.Equal([failed], RunTrash.List(home.Path).Select(r => r.RunId));
        Assert.Contains("retention: failed", RunTrash.List(home.Path).Single().Reason, StringComparison.Ordinal);
        Assert.Equal([finished, kept], store.ListRuns().Select(r => r.RunId).Order(StringComparer.Ordinal));
        Assert.Equal(["retention change", "gc", "gc"], AuditLog.Read(home.Path).Select(r => r.Action));
        Assert.Equal("trash_days=30, failed_runs_days=14, object_grace_hours=24, downsample_after_days=90, downsample_bucket=100, growth_warning_mb_per_day=never", AuditLog.Read(home.Path).First().Details["to"]);
    }

    [Fact]
    public void Unreferenced_objects_younger_than_the_grace_time_or_stored_again_stay_and_old_temporaries_go()
    {
        using var home = new TemporaryDirectory("repro-gc");
        var store = new RunStore(home.Path);
        var objects = new ContentStore(home.Path);
        var orphan = objects.Put(new byte[] { 9, 9, 9 }).Hash; // stored by a run that died before referencing it
        var again = objects.Put(new byte[] { 8, 8 }).Hash;
        var past = DateTime.UtcNow.AddDays(-3);
        File.SetLastWriteTimeUtc(objects.PathOf(orphan), past);
        File.SetLastWriteTimeUtc(objects.PathOf(again), past);
        Assert.True(objects.Put(new byte[] { 8, 8 }).AlreadyStored); // a new run stores the same bytes: freshened
        var temporary = Path.Combine(objects.Root, "tmp", "killed-writer.tmp");
        File.WriteAllBytes(temporary, new byte[100]);
        File.SetLastWriteTimeUtc(temporary, past);

        var collected = GarbageCollector.Collect(store, new RetentionPolicy(), DateTimeOffset.UtcNow);

        Assert.Equal([(GcAction.DeleteObject, orphan), (GcAction.DeleteTemporary, "killed-writer.tmp")], collected.Items.Select(i => (i.Action, i.Target)));
        Assert.False(objects.Contains(orphan));
        Assert.True(objects.Contains(again));
        Assert.False(File.Exists(temporary));
    }

    [Fact]
    public void An_unreadable_run_stops_object_removal_with_a_warning_naming_it_and_the_rest_of_the_policy_still_applies()
    {
        using var home = new TemporaryDirectory("repro-gc");
        var store = new RunStore(home.Path);
        var damaged = MaintenanceHomes.Record(home.Path, "damaged", checkpoint: [5, 5]);
        var hash = store.GetRun(damaged).Lineage.Artifacts.Single().Sha256;
        RunTrash.Delete(store, MaintenanceHomes.Record(home.Path, "old"), "test");
        File.WriteAllText(ReproHome.ManifestPath(ReproHome.RunDirectory(home.Path, damaged)), "{ not json");

        var collected = GarbageCollector.Collect(store, new RetentionPolicy(), s_monthLater);

        Assert.Equal([GcAction.PurgeRun], collected.Items.Select(i => i.Action));
        Assert.Contains(collected.Warnings, w => w.Contains(damaged, StringComparison.Ordinal));
        Assert.Contains(collected.Warnings, w => w.Contains("no object was removed", StringComparison.Ordinal));
        Assert.True(new ContentStore(home.Path).Contains(hash));
    }

    [Fact]
    public void Folder_artifacts_keep_every_file_their_listing_names()
    {
        using var home = new TemporaryDirectory("repro-gc");
        using var folder = new TemporaryDirectory("repro-gc-folder");
        File.WriteAllText(folder.Combine("a.txt"), "alpha");
        File.WriteAllText(folder.Combine("b.txt"), "beta");
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            runId = run.Id.ToString();
            run.LogArtifact("samples", folder.Path).Wait();
        }

        var objects = new ContentStore(home.Path);
        Assert.Equal(3, objects.List().Count);
        foreach (var hash in objects.List())
        {
            File.SetLastWriteTimeUtc(objects.PathOf(hash), DateTime.UtcNow.AddDays(-10));
        }

        Assert.Empty(GarbageCollector.Collect(new RunStore(home.Path), new RetentionPolicy(), DateTimeOffset.UtcNow).Items);
        Assert.Equal(3, objects.List().Count);
        Assert.Equal(runId, new RunStore(home.Path).ListRuns().Single().RunId);
    }

    [Fact]
    public void A_trash_entry_a_cut_short_delete_left_without_its_run_is_removed_after_an_hour_and_not_before()
    {
        using var home = new TemporaryDirectory("repro-gc");
        var store = new RunStore(home.Path);
        var old = RunTrash.EntryDirectory(home.Path, "01JDQ4Z7Y3M5N8P2R6T9V0W1X2");
        var fresh = RunTrash.EntryDirectory(home.Path, "01JDQ4Z7Y3M5N8P2R6T9V0W1X3");
        foreach (var entry in new[] { old, fresh })
        {
            Directory.CreateDirectory(entry);
            File.WriteAllText(Path.Combine(entry, RunTrash.RecordFileName), "{}");
        }

        Directory.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));
        GarbageCollector.Collect(store, new RetentionPolicy(), DateTimeOffset.UtcNow);

        Assert.False(Directory.Exists(old));
        Assert.True(Directory.Exists(fresh));
    }

    [Fact]
    public void Delete_restore_and_gc_wait_for_the_homes_maintenance_lock()
    {
        using var home = new TemporaryDirectory("repro-gc");
        var runId = MaintenanceHomes.Record(home.Path, "one");
        var store = new RunStore(home.Path);
        Thread delete;
        using (MaintenanceLock.Acquire(home.Path))
        {
            Assert.Contains("held by another process", Assert.Throws<IOException>(() => MaintenanceLock.Acquire(home.Path, TimeSpan.FromMilliseconds(50))).Message, StringComparison.Ordinal);
            delete = new Thread(() => RunTrash.Delete(store, runId, "waits"));
            delete.Start();
            Thread.Sleep(300);
            Assert.True(delete.IsAlive);
            Assert.True(Directory.Exists(ReproHome.RunDirectory(home.Path, runId)));
        }

        Assert.True(delete.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal([runId], RunTrash.List(home.Path).Select(r => r.RunId));
    }
}
