using Repro.Artifacts;
using Repro.Runs;
using Repro.Storage;
using Repro.Storage.Audit;
using Repro.Storage.Maintenance;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage.Maintenance;

/// <summary>
/// <c>keep_last_checkpoints</c> on real runs: untagged checkpoints beyond the newest K are pruned, with a record
/// written before their objects go; tagged ones, shared objects, kept and running runs stay; a run's tags override
/// the home's rules for it.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class CheckpointPruningTests
{
    private static readonly DateTimeOffset s_monthLater = DateTimeOffset.UtcNow.AddDays(31);
    private static readonly MetricDeclaration s_loss = new("pruning_loss");

    [Fact]
    public void Untagged_checkpoints_beyond_the_newest_k_are_pruned_and_tagged_ones_and_objects_another_run_names_stay()
    {
        using var home = new TemporaryDirectory("repro-prune");
        // Steps 100…600; 200 carries a user's tag, 600 is "last"; 100's bytes are also another run's checkpoint.
        var (runId, hashes) = RecordCheckpoints(home.Path, [100, 200, 300, 400, 500, 600], userTagged: 200);
        var other = MaintenanceHomes.Record(home.Path, "shares step 100's bytes", checkpoint: Bytes(100));
        var store = new RunStore(home.Path);
        var objects = new ContentStore(home.Path);
        var policy = new RetentionPolicy { KeepLastCheckpoints = 2, DownsampleAfter = null };

        var plan = GarbageCollector.Collect(store, policy, s_monthLater);

        Assert.Equal([hashes[100], hashes[300]], plan.Items.Where(i => i.Action == GcAction.PruneCheckpoint).Select(i => i.Checkpoint!.Sha256));
        Assert.Equal([hashes[300]], plan.Items.Where(i => i.Action == GcAction.DeleteObject).Select(i => i.Target));
        Assert.False(objects.Contains(hashes[300]));
        Assert.True(objects.Contains(hashes[100]), "run " + other + " still names step 100's bytes");
        foreach (var kept in new[] { 200, 400, 500, 600 })
        {
            objects.Verify(hashes[kept]);
        }

        var record = PrunedCheckpoints.Read(ReproHome.RunDirectory(home.Path, runId));
        Assert.Equal([(100L, hashes[100]), (300L, hashes[300])], record.Select(p => (p.Step, p.Sha256)));
        Assert.All(record, p => Assert.Equal("keep_last_checkpoints=2", p.Rule));
        Assert.Equal(6, store.GetRun(runId).Lineage.Artifacts.Count); // the lineage keeps every checkpoint it ever logged
        var audit = AuditLog.Read(home.Path).Single(r => r.Action == "gc");
        Assert.Equal("2", audit.Details["checkpoints_pruned"]);
        Assert.Contains(runId, audit.Runs);

        // Pruning is done once: the next gc plans nothing for this run.
        Assert.DoesNotContain(GarbageCollector.Plan(store, policy, s_monthLater).Items, i => i.Action == GcAction.PruneCheckpoint);
        Assert.Equal(2, PrunedCheckpoints.Read(ReproHome.RunDirectory(home.Path, runId)).Count);
    }

    [Fact]
    public void The_record_is_written_before_the_objects_go_so_a_young_object_is_removed_by_a_later_gc_without_pruning_twice()
    {
        using var home = new TemporaryDirectory("repro-prune");
        var (runId, hashes) = RecordCheckpoints(home.Path, [1, 2, 3], userTagged: null);
        var store = new RunStore(home.Path);
        var objects = new ContentStore(home.Path);
        var policy = new RetentionPolicy { KeepLastCheckpoints = 0, DownsampleAfter = null };

        // Today: the objects are younger than the grace time, so only the record is written.
        var today = GarbageCollector.Collect(store, policy, DateTimeOffset.UtcNow);
        Assert.Equal(2, today.Items.Count(i => i.Action == GcAction.PruneCheckpoint)); // 3 is "last"
        Assert.DoesNotContain(today.Items, i => i.Action == GcAction.DeleteObject);
        Assert.True(objects.Contains(hashes[1]));

        var later = GarbageCollector.Collect(store, policy, s_monthLater);
        Assert.DoesNotContain(later.Items, i => i.Action == GcAction.PruneCheckpoint);
        Assert.Equal(new[] { hashes[1], hashes[2] }.Order(StringComparer.Ordinal), later.Items.Where(i => i.Action == GcAction.DeleteObject).Select(i => i.Target).Order(StringComparer.Ordinal));
        Assert.Equal([1L, 2L], PrunedCheckpoints.Read(ReproHome.RunDirectory(home.Path, runId)).Select(p => p.Step));
        objects.Verify(hashes[3]);
    }

    [Fact]
    public void Kept_and_running_runs_are_never_pruned_and_a_runs_tags_override_the_home()
    {
        using var home = new TemporaryDirectory("repro-prune");
        var (kept, _) = RecordCheckpoints(home.Path, [1, 2, 3], userTagged: null, tags: new Dictionary<string, string> { ["retention"] = "keep" });
        var (keepsAll, _) = RecordCheckpoints(home.Path, [1, 2, 3], userTagged: null, tags: new Dictionary<string, string> { ["retention.keep_last_checkpoints"] = "never" }, salt: 10);
        var (ownRule, ownHashes) = RecordCheckpoints(home.Path, [1, 2, 3, 4], userTagged: null, tags: new Dictionary<string, string> { ["retention.keep_last_checkpoints"] = "1" }, salt: 20);
        var (homeRule, _) = RecordCheckpoints(home.Path, [1, 2, 3, 4], userTagged: null, salt: 30);
        var store = new RunStore(home.Path);

        using (var running = Run.Start(new RunOptions { Home = home.Path, TelemetryInterval = TimeSpan.Zero }))
        {
            for (var i = 0; i < 3; i++)
            {
                LogCheckpoint(running, i, Bytes(40 + i));
            }

            var plan = GarbageCollector.Plan(store, new RetentionPolicy { KeepLastCheckpoints = 2, DownsampleAfter = null }, s_monthLater);
            var pruned = plan.Items.Where(i => i.Action == GcAction.PruneCheckpoint).ToList();

            Assert.DoesNotContain(pruned, i => i.Target == kept || i.Target == keepsAll || i.Target == running.Id.ToString());
            Assert.Equal([ownHashes[1], ownHashes[2]], pruned.Where(i => i.Target == ownRule).Select(i => i.Checkpoint!.Sha256)); // its own K of 1 (4 is "last")
            Assert.Single(pruned, i => i.Target == homeRule); // the home's K of 2: 1 goes, 2 and 3 stay, 4 is "last"
            Assert.Equal("keep_last_checkpoints=1", pruned.First(i => i.Target == ownRule).Checkpoint!.Rule);
        }
    }

    [Fact]
    public void A_bad_override_tag_leaves_its_run_alone_with_a_note_and_does_not_stop_object_removal()
    {
        using var home = new TemporaryDirectory("repro-prune");
        var failed = MaintenanceHomes.Record(home.Path, "bad override", fail: true, tags: new Dictionary<string, string> { ["retention.trash_days"] = "1" });
        var orphan = MaintenanceHomes.Record(home.Path, "deleted", checkpoint: [9, 9, 9]);
        var store = new RunStore(home.Path);
        var orphanHash = store.GetRun(orphan).Lineage.Artifacts.Single().Sha256;
        RunTrash.Delete(store, orphan, "not needed");

        var plan = GarbageCollector.Collect(store, new RetentionPolicy { FailedRunsFor = TimeSpan.Zero }, s_monthLater);

        Assert.Contains(plan.Warnings, w => w.Contains(failed, StringComparison.Ordinal) && w.Contains("applies to the whole home", StringComparison.Ordinal));
        Assert.Equal([failed], store.ListRuns().Select(r => r.RunId));
        Assert.Contains(plan.Items, i => i.Action == GcAction.DeleteObject && i.Target == orphanHash);
    }

    [Fact]
    public void A_failed_run_tagged_with_its_own_failed_runs_days_goes_to_the_trash_when_the_home_keeps_failed_runs()
    {
        using var home = new TemporaryDirectory("repro-prune");
        var ownRule = MaintenanceHomes.Record(home.Path, "own rule", fail: true, tags: new Dictionary<string, string> { ["retention.failed_runs_days"] = "7" });
        var homeRule = MaintenanceHomes.Record(home.Path, "home rule", fail: true);
        var store = new RunStore(home.Path);

        var plan = GarbageCollector.Plan(store, new RetentionPolicy(), s_monthLater);

        Assert.Equal([ownRule], plan.Items.Where(i => i.Action == GcAction.TrashRun).Select(i => i.Target));
        Assert.Contains("failed_runs_days=7", plan.Items.Single(i => i.Action == GcAction.TrashRun).Why, StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Items, i => i.Target == homeRule);
    }

    [Fact]
    public void A_damaged_record_prunes_nothing_more_and_keeps_every_object_of_the_run()
    {
        using var home = new TemporaryDirectory("repro-prune");
        var (runId, hashes) = RecordCheckpoints(home.Path, [1, 2, 3], userTagged: null);
        File.WriteAllText(Path.Combine(ReproHome.RunDirectory(home.Path, runId), PrunedCheckpoints.FileName), "{ not json");
        var store = new RunStore(home.Path);

        var plan = GarbageCollector.Collect(store, new RetentionPolicy { KeepLastCheckpoints = 0, DownsampleAfter = null }, s_monthLater);

        Assert.DoesNotContain(plan.Items, i => i.Action is GcAction.PruneCheckpoint or GcAction.DeleteObject);
        Assert.Contains(plan.Warnings, w => w.Contains(PrunedCheckpoints.FileName, StringComparison.Ordinal));
        Assert.All(hashes.Values, h => new ContentStore(home.Path).Verify(h));
    }

    private static (string RunId, Dictionary<int, string> Hashes) RecordCheckpoints(string home, int[] steps, int? userTagged, IReadOnlyDictionary<string, string>? tags = null, int salt = 0)
    {
        using var run = Run.Start(new RunOptions { Home = home, TelemetryInterval = TimeSpan.Zero, Tags = tags ?? new Dictionary<string, string>() });
        var hashes = new Dictionary<int, string>();
        foreach (var step in steps)
        {
            run.LogScalar(s_loss, step, 1.0 / step);
            hashes[step] = LogCheckpoint(run, step, Bytes(step + salt), step == userTagged ? ["keep-for-paper"] : []);
        }

        run.Finish();
        return (run.Id.ToString(), hashes);
    }

    private static string LogCheckpoint(Run run, int step, byte[] bytes, IReadOnlyList<string>? tags = null)
    {
        using var folder = new TemporaryDirectory("repro-checkpoint");
        var path = folder.Combine("model.bin");
        File.WriteAllBytes(path, bytes);
        return run.LogArtifact("model", path, new ArtifactOptions { Kind = ArtifactKind.Checkpoint, Step = step, Tags = tags ?? [] }).Wait().Sha256;
    }

    private static byte[] Bytes(int seed) => [.. Enumerable.Range(0, 64).Select(i => (byte)(seed * 31 + i))];
}
