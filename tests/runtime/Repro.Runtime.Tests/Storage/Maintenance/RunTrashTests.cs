using Repro.Runs;
using Repro.Storage;
using Repro.Storage.Audit;
using Repro.Storage.Maintenance;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage.Maintenance;

/// <summary>Soft delete: a deleted run vanishes from every reader, comes back byte for byte, and both moves are audited.</summary>
[Collection(SequentialRuns.Name)]
public sealed class RunTrashTests
{
    [Fact]
    public void A_deleted_run_leaves_every_listing_and_a_restored_one_is_back_byte_for_byte_with_both_moves_audited()
    {
        using var home = new TemporaryDirectory("repro-trash");
        var kept = MaintenanceHomes.Record(home.Path, "kept");
        var deleted = MaintenanceHomes.Record(home.Path, "deleted", checkpoint: [1, 2, 3]);
        var store = new RunStore(home.Path);
        var folder = ReproHome.RunDirectory(home.Path, deleted);
        var before = MaintenanceHomes.Fingerprint(folder);
        var events = store.ReadEvents(deleted).Select(e => e.ToString()).ToList();
        Assert.Equal(2, store.Search(new RunSearch()).Count);

        var trashed = RunTrash.Delete(store, deleted, "wrong learning rate");

        Assert.Equal("deleted", trashed.Name);
        Assert.Equal("wrong learning rate", trashed.Reason);
        Assert.Equal(Environment.UserName, trashed.User);
        Assert.Equal(before.Keys.Sum(f => new FileInfo(Path.Combine(Path.Combine(RunTrash.EntryDirectory(home.Path, deleted), "run"), f)).Length), trashed.Bytes);
        Assert.False(Directory.Exists(folder));
        Assert.Throws<RunNotFoundException>(() => store.GetRun(deleted));
        Assert.Equal([kept], store.ListRuns().Select(r => r.RunId));
        Assert.Equal([kept], store.Search(new RunSearch()).Select(h => h.Manifest.RunId));
        Assert.Equal([deleted], RunTrash.List(home.Path).Select(r => r.RunId));

        var restored = RunTrash.Restore(store, deleted[..10], "deleted by mistake");

        Assert.Equal(deleted, restored.RunId);
        Assert.Equal(before, MaintenanceHomes.Fingerprint(folder));
        Assert.Equal(events, store.ReadEvents(deleted).Select(e => e.ToString()));
        Assert.Equal(RunStatus.Finished, store.GetRun(deleted).Status);
        Assert.Equal(2, store.Search(new RunSearch()).Count);
        Assert.Empty(RunTrash.List(home.Path));
        Assert.False(Directory.Exists(RunTrash.EntryDirectory(home.Path, deleted)));

        var audit = AuditLog.Read(home.Path).ToList();
        Assert.Equal(["run delete", "run restore"], audit.Select(r => r.Action));
        Assert.All(audit, r => Assert.Equal([deleted], r.Runs));
        Assert.Equal("wrong learning rate", audit[0].Reason);
        Assert.Equal("deleted by mistake", audit[1].Reason);
        Assert.True(AuditLog.Verify(home.Path).Intact);
    }

    [Fact]
    public void A_run_still_being_written_is_refused_and_nothing_moves_or_is_audited()
    {
        using var home = new TemporaryDirectory("repro-trash");
        using var run = Run.Start(new RunOptions { Home = home.Path, Name = "live", TelemetryInterval = TimeSpan.Zero });
        var store = new RunStore(home.Path);

        var refused = Assert.Throws<IOException>(() => RunTrash.Delete(store, run.Id.ToString(), "cleanup"));

        Assert.Contains("still being written", refused.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(ReproHome.RunDirectory(home.Path, run.Id.ToString())));
        Assert.Empty(RunTrash.List(home.Path));
        Assert.Empty(AuditLog.Read(home.Path));
    }

    [Fact]
    public void Bad_requests_are_refused_with_clear_errors_and_change_nothing()
    {
        using var home = new TemporaryDirectory("repro-trash");
        var runId = MaintenanceHomes.Record(home.Path, "one");
        var store = new RunStore(home.Path);

        Assert.Contains("--reason", Assert.Throws<ArgumentException>(() => RunTrash.Delete(store, runId, "  ")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RunTrash.Delete(store, "not-a-run", "why"));
        Assert.Throws<RunNotFoundException>(() => RunTrash.Restore(store, runId));

        // A run with the same id back in the home (copied in by hand) is never overwritten by a restore.
        RunTrash.Delete(store, runId, "duplicate");
        var entry = Path.Combine(RunTrash.EntryDirectory(home.Path, runId), RunTrash.RunFolderName);
        FolderCopy.Copy(entry, ReproHome.RunDirectory(home.Path, runId));
        File.WriteAllText(Path.Combine(ReproHome.RunDirectory(home.Path, runId), "marker"), "the copy in the home");
        var conflict = Assert.Throws<IOException>(() => RunTrash.Restore(store, runId));
        Assert.Contains("already", conflict.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(ReproHome.RunDirectory(home.Path, runId), "marker")));
        Assert.True(Directory.Exists(entry));
        Assert.Equal(["run delete"], AuditLog.Read(home.Path).Select(r => r.Action));
    }

    [Fact]
    public void The_trash_record_and_the_audit_log_never_hold_a_secret_given_as_the_reason_and_are_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // POSIX modes only
        }

        using var home = new TemporaryDirectory("repro-trash");
        var runId = MaintenanceHomes.Record(home.Path, "one");
        var (_, text, secret) = SecretSamples.All[0];

        RunTrash.Delete(new RunStore(home.Path), runId, $"leaked {text} in the config");

        var record = Path.Combine(RunTrash.EntryDirectory(home.Path, runId), RunTrash.RecordFileName);
        Assert.DoesNotContain(secret, File.ReadAllText(record), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, File.ReadAllText(AuditLog.PathOf(home.Path)), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(record));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(RunTrash.TrashDirectory(home.Path)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(RunTrash.EntryDirectory(home.Path, runId)));
    }

    [Fact]
    public void A_delete_cut_short_before_the_move_leaves_the_run_in_place_and_nothing_in_the_trash_listing()
    {
        using var home = new TemporaryDirectory("repro-trash");
        var runId = MaintenanceHomes.Record(home.Path, "one");
        // What a crash between writing the record and moving the folder leaves.
        var entry = RunTrash.EntryDirectory(home.Path, runId);
        Directory.CreateDirectory(entry);
        File.WriteAllText(Path.Combine(entry, RunTrash.RecordFileName), "{\"run\":\"" + runId + "\"}");

        Assert.Empty(RunTrash.List(home.Path));
        Assert.Equal(RunStatus.Finished, new RunStore(home.Path).GetRun(runId).Status);
        Assert.Throws<RunNotFoundException>(() => RunTrash.Restore(new RunStore(home.Path), runId));

        // Deleting it again completes normally over the stray record.
        RunTrash.Delete(new RunStore(home.Path), runId, "again");
        Assert.Equal([runId], RunTrash.List(home.Path).Select(r => r.RunId));
    }
}
