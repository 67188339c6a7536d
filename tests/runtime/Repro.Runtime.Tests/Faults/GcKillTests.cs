using Repro.Artifacts;
using Repro.Runtime.Tests.Storage.Maintenance;
using Repro.Storage;
using Repro.Storage.Audit;
using Repro.Storage.Maintenance;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Faults;

/// <summary>
/// <c>repro gc</c> SIGKILLed at random points while it empties a trash of real runs: after every kill each run is
/// either wholly in the trash (every file as it was, its checkpoint still stored) or gone from every place a reader
/// looks, and the next gc finishes the work.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class GcKillTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Runs = 40;

    [Fact]
    public void Gc_killed_at_random_points_never_leaves_a_half_deleted_run_and_the_next_gc_finishes()
    {
        const int seed = 20261205;
        var random = new Random(seed);
        using var home = new TemporaryDirectory("repro-gc-kill");
        var store = new RunStore(home.Path);
        var originals = new Dictionary<string, (SortedDictionary<string, string> Files, string Checkpoint)>(StringComparer.Ordinal);
        for (var i = 0; i < Runs; i++)
        {
            var checkpoint = new byte[16 * 1024];
            random.NextBytes(checkpoint);
            var runId = MaintenanceHomes.Record(home.Path, $"run-{i}", scalars: 1_500, checkpoint: checkpoint);
            var hash = store.GetRun(runId).Lineage.Artifacts.Single().Sha256;
            RunTrash.Delete(store, runId, "kill test");
            originals[runId] = (MaintenanceHomes.Fingerprint(Path.Combine(RunTrash.EntryDirectory(home.Path, runId), RunTrash.RunFolderName)), hash);
        }

        var objects = new ContentStore(home.Path);
        // How long a whole gc of such a trash takes here, from a copy of the home, so the kills spread over all of it.
        var (firstStep, lastStep) = TimeFullGc(home.Path);
        using var fullTrash = new TemporaryDirectory("repro-gc-kill-full-trash");
        FolderCopy.Copy(home.Path, fullTrash.Path);
        var killsMidWork = 0;
        var log = new List<string>();
        // A killed child may run slower than the timed one (a busy machine): a kill that lands before gc's first step
        // stretches the later ones, so that kills keep landing inside the work. It may also run faster (the timed
        // run was the one slowed): a gc that empties the whole trash before its kill is played again from the full
        // trash with kills half as late.
        var stretch = 1.0;
        for (var attempt = 0; attempt < 24 && (attempt < 12 || killsMidWork == 0); attempt++)
        {
            if (RunTrash.List(home.Path).Count == 0)
            {
                if (killsMidWork > 0)
                {
                    break;
                }

                Directory.Delete(home.Path, recursive: true);
                FolderCopy.Copy(fullTrash.Path, home.Path);
                stretch /= 2;
                log.Add($"attempt {attempt}: gc emptied the trash before any kill landed; the full trash again, kills {stretch:0.###} as late");
            }

            var context = $"seed {seed}, attempt {attempt}";
            // The child kills itself at a random moment of its gc: a real SIGKILL, anywhere inside a step or between steps.
            var killAfterMicroseconds = (int)(random.Next(Math.Max(1, firstStep * 9 / 10), lastStep + 1) * stretch);
            using (var child = new CrashChildProcess("gc", home.Path, "31", killAfterMicroseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                child.WaitForExit();
                log.Add($"attempt {attempt}: killed after {killAfterMicroseconds} µs, last lines {string.Join(",", child.Lines.TakeLast(2))} {string.Join(" ", child.Errors.Take(3))}");
                if (!child.Lines.Any(l => l.StartsWith("ITEM ", StringComparison.Ordinal)))
                {
                    stretch = Math.Min(stretch * 1.5, 30);
                }
            }

            var remaining = RunTrash.List(home.Path).Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
            killsMidWork += remaining.Count is > 0 and < Runs ? 1 : 0;
            log[^1] += $"; {remaining.Count} run(s) left in the trash, {Directory.GetDirectories(RunTrash.TrashDirectory(home.Path)).Length - remaining.Count} stray, {(Directory.Exists(GarbageCollector.DoomedDirectory(home.Path)) ? Directory.GetDirectories(GarbageCollector.DoomedDirectory(home.Path)).Length : 0)} half-removed in gc/doomed";
            foreach (var (runId, original) in originals)
            {
                Assert.False(Directory.Exists(ReproHome.RunDirectory(home.Path, runId)), $"{context}: {runId} reappeared in the home");
                var inTrash = Path.Combine(RunTrash.EntryDirectory(home.Path, runId), RunTrash.RunFolderName);
                if (remaining.Contains(runId))
                {
                    Assert.Equal(original.Files, MaintenanceHomes.Fingerprint(inTrash));
                    Assert.True(objects.Contains(original.Checkpoint), $"{context}: the checkpoint of {runId}, still in the trash, was removed");
                }
                else
                {
                    Assert.False(Directory.Exists(inTrash), $"{context}: {runId} is half in the trash");
                }
            }

            // A kill may tear the audit log's last line; nothing before it.
            var problems = AuditLog.Verify(home.Path).Problems;
            Assert.True(problems.Count <= 1, $"{context}: {string.Join("; ", problems)}");
            Assert.All(problems, p => Assert.Contains("not an audit record", p, StringComparison.Ordinal));
        }

        log.ForEach(output.WriteLine);
        var last = GarbageCollector.Collect(store, new RetentionPolicy(), DateTimeOffset.UtcNow.AddDays(31));

        Assert.True(killsMidWork > 0, $"seed {seed}: no kill landed while gc was working:\n{string.Join("\n", log)}");
        Assert.Empty(RunTrash.List(home.Path));
        Assert.Empty(Directory.GetFileSystemEntries(RunTrash.TrashDirectory(home.Path)));
        Assert.Empty(Directory.GetFileSystemEntries(GarbageCollector.DoomedDirectory(home.Path)));
        Assert.All(originals.Values, o => Assert.False(objects.Contains(o.Checkpoint)));
        Assert.Empty(objects.List());
        Assert.True(AuditLog.Verify(home.Path).Intact);
        Assert.Empty(last.Warnings);
    }

    /// <summary>When (µs after it starts) a whole gc of a copy of the home, <paramref name="daysAhead"/> days from now, begins its first step, and when it has done its last.</summary>
    private static (int FirstStep, int LastStep) TimeFullGc(string home, string daysAhead = "31")
    {
        using var copy = new TemporaryDirectory("repro-gc-kill-timing");
        FolderCopy.Copy(home, copy.Path);
        using var child = new CrashChildProcess("gc", copy.Path, daysAhead, "0");
        Assert.Equal(0, child.WaitForExit());
        int Microseconds(string line) => int.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return (Microseconds(child.Lines.First(l => l.StartsWith("ITEM 0 ", StringComparison.Ordinal))), Microseconds(child.Lines.Last(l => l.StartsWith("ITEM ", StringComparison.Ordinal))));
    }

    [Fact]
    public void Gc_killed_at_random_points_while_downsampling_leaves_every_log_whole_raw_or_downsampled_and_the_next_gc_finishes()
    {
        // Where a kill lands depends on the machine's speed: a round whose kills all missed the work is played again.
        var landed = false;
        for (var round = 0; round < 3 && !landed; round++)
        {
            landed = DownsamplingKillRound(20261206 + round);
        }

        Assert.True(landed, "no kill landed while gc was downsampling in three rounds (seeds 20261206 to 20261208)");
    }

    private bool DownsamplingKillRound(int seed)
    {
        const int runs = 8;
        var random = new Random(seed);
        using var home = new TemporaryDirectory("repro-gc-kill-downsample");
        var store = new RunStore(home.Path);
        var ids = Enumerable.Range(0, runs).Select(i => MaintenanceHomes.Record(home.Path, $"run-{i}", scalars: 20_000)).ToList();
        List<string> Read(RunStore from, string runId)
        {
            var problems = new List<Repro.Wal.WalCorruption>();
            var events = from.ReadEvents(runId, problems.Add).Select(e => e.ToString()).ToList();
            Assert.Empty(problems);
            return events;
        }

        var raw = ids.ToDictionary(id => id, id => Read(store, id));
        using var reference = new TemporaryDirectory("repro-gc-kill-reference");
        FolderCopy.Copy(home.Path, reference.Path);
        var referenceStore = new RunStore(reference.Path);
        GarbageCollector.Collect(referenceStore, new RetentionPolicy(), DateTimeOffset.UtcNow.AddDays(91));
        var downsampled = ids.ToDictionary(id => id, id => Read(referenceStore, id));
        Assert.All(ids, id => Assert.NotEqual(raw[id], downsampled[id]));

        var (firstStep, lastStep) = TimeFullGc(home.Path, "91");
        var log = new List<string>();
        var killsMidWork = 0;
        for (var attempt = 0; attempt < 10 && ids.Any(id => RunDownsampler.Read(ReproHome.RunDirectory(home.Path, id)) is null); attempt++)
        {
            var killAfterMicroseconds = random.Next(Math.Max(1, firstStep * 9 / 10), lastStep + 1);
            using (var child = new CrashChildProcess("gc", home.Path, "91", killAfterMicroseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                child.WaitForExit();
            }

            var done = 0;
            foreach (var id in ids)
            {
                var events = Read(store, id);
                Assert.True(events.SequenceEqual(raw[id]) || events.SequenceEqual(downsampled[id]), $"seed {seed}, attempt {attempt}: run {id} is neither raw nor downsampled");
                done += events.SequenceEqual(downsampled[id]) ? 1 : 0;
            }

            killsMidWork += done is > 0 and < runs ? 1 : 0;
            log.Add($"attempt {attempt}: killed after {killAfterMicroseconds} µs; {done} of {runs} downsampled");
        }

        log.ForEach(output.WriteLine);
        GarbageCollector.Collect(store, new RetentionPolicy(), DateTimeOffset.UtcNow.AddDays(91));
        Assert.All(ids, id => Assert.Equal(downsampled[id], Read(store, id)));
        Assert.All(ids, id => Assert.Equal(["manifest.json", "wal", "writer.lock"], Directory.GetFileSystemEntries(ReproHome.RunDirectory(home.Path, id)).Select(Path.GetFileName).Order(StringComparer.Ordinal)));
        return killsMidWork > 0;
    }
}
