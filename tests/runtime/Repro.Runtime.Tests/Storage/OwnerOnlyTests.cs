using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage;

/// <summary>Every file and folder Repro creates under <c>$REPRO_HOME</c> is the owner's alone, whatever the umask.</summary>
[Collection(SequentialRuns.Name)]
public class OwnerOnlyTests
{
    [Fact]
    public void A_walk_of_the_home_after_runs_recovery_an_index_a_rebuild_deletes_and_gc_finds_only_0600_files_and_0700_folders()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // POSIX modes only; on Windows the profile folder's ACL applies
        }

        using var home = new TemporaryDirectory("repro-owner-only");
        // A permissive home folder made by the test: Repro must not rely on it.
        File.SetUnixFileMode(home.Path, (UnixFileMode)0b111_101_101);
        var root = home.Combine("home");
        using (var run = Run.Start(new RunOptions { Home = root, WarningsToStandardError = false }))
        {
            run.LogScalar(new MetricDeclaration("loss"), 1, 1);
            run.LogText("password=hunter2");
        }

        // A run left running by a dead process, recovered by a reader.
        string crashedId;
        using (var child = new Faults.CrashChildProcess("log", root, "1000"))
        {
            crashedId = child.WaitForRunId();
            Thread.Sleep(200);
            child.Kill();
        }

        var store = new RunStore(root);
        Assert.Equal(Repro.Runs.RunStatus.Crashed, store.GetRun(crashedId).Status);
        RunIndex.Update(store);
        RunIndex.Rebuild(store);
        RunIndex.Update(store);
        // Soft delete, gc (which empties the trash through gc/doomed and keeps its last policy) and the audit log.
        Repro.Storage.Maintenance.RunTrash.Delete(store, crashedId, "owner-only walk");
        Repro.Storage.Maintenance.GarbageCollector.Collect(store, new Repro.Storage.Maintenance.RetentionPolicy(), DateTimeOffset.UtcNow.AddDays(31));
        Repro.Storage.Maintenance.RunTrash.Delete(store, store.ListRuns()[0].RunId, "owner-only walk");

        var entries = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Prepend(root).ToList();
        Assert.Contains(entries, e => e.EndsWith("index.db", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith("manifest.json", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith("deleted.json", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith("last-policy.txt", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.EndsWith("audit.jsonl", StringComparison.Ordinal));
        foreach (var entry in entries)
        {
            var expected = Directory.Exists(entry) ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute : UnixFileMode.UserRead | UnixFileMode.UserWrite;
            Assert.True(File.GetUnixFileMode(entry) == expected, $"{Path.GetRelativePath(root, entry)} is {File.GetUnixFileMode(entry)}");
        }
    }
}
