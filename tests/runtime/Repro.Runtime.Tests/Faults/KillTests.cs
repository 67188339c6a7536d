using Repro.Events;
using Repro.Runs;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Faults;

[Collection(SequentialRuns.Name)] // it starts runs, and a process has one run at a time
public class KillTests
{
    [Fact]
    public void Every_flushed_event_survives_SIGKILL_in_order_exactly_once_and_the_run_reads_as_crashed()
    {
        var random = new Random(20261126);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var home = new TemporaryDirectory("repro-kill");
            long acknowledged;
            string runId;
            using (var child = new CrashChildProcess("log", home.Path, "1000"))
            {
                runId = child.WaitForRunId();
                Thread.Sleep(random.Next(5, 60)); // at full speed that is already hundreds of thousands of events
                child.Kill();
                acknowledged = child.LastAcknowledged();
            }

            var store = new RunStore(home.Path);
            var manifest = store.GetRun(runId);
            var events = store.ReadEvents(runId).ToList();
            var steps = events.Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Step).ToList();

            var context = $"attempt {attempt}: acknowledged {acknowledged}, recovered {steps.Count} scalars";
            Assert.True(steps.Count > acknowledged, context);
            Assert.True(steps.SequenceEqual(Enumerable.Range(0, steps.Count).Select(i => (long)i)), context + ": steps out of order, missing or duplicated");
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (ulong)i), events.Select(e => e.Sequence));
            Assert.Equal(events.Count, events.Select(e => e.EventId).Distinct().Count());
            Assert.Equal(RunStatus.Crashed, manifest.Status);
            Assert.Equal(Lifecycle.Types.Kind.Crashed, events[^1].Lifecycle.Kind);
            Assert.Equal(events[^1].Sequence, manifest.LastSequence);
            // A kill before anything reached the log leaves only the crashed event, naming sequence 0.
            Assert.Equal(events.Count > 1 ? events[^2].Sequence : 0, events[^1].Lifecycle.LastSequence);
            Assert.NotNull(manifest.Recovery);

            // Recovery happens once: reading again changes nothing.
            Assert.Equal(events.Count, store.ReadEvents(runId).Count());

            // Replaying the recovered WAL into each sink twice stores every event once.
            Sinks.SinkChecks.ReplayTwiceAndAssertEachEventOnce(store, runId, home.Path, events.Count);
        }
    }

    [Fact]
    public void Several_processes_write_their_own_runs_under_one_home_at_once()
    {
        using var home = new TemporaryDirectory("repro-many");
        var children = Enumerable.Range(0, 3).Select(_ => new CrashChildProcess("finish", home.Path, "100000")).ToList();
        var runIds = children.Select(c => c.WaitForRunId()).ToList();
        Assert.All(children, c => Assert.Equal(0, c.WaitForExit()));
        children.ForEach(c => c.Dispose());

        var store = new RunStore(home.Path);
        Assert.Equal(runIds.Order(StringComparer.Ordinal), store.ListRuns().Select(r => r.RunId).Order(StringComparer.Ordinal));
        long total = 0;
        foreach (var runId in runIds)
        {
            Assert.Equal(RunStatus.Finished, store.GetRun(runId).Status);
            var steps = store.ReadEvents(runId).Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).Select(e => e.Step).Order().ToList();
            Assert.Equal(Enumerable.Range(0, 100_000).Select(i => (long)i), steps);
            total += store.ReadEvents(runId).Count();
        }

        // Three processes bring the one index up to date at the same time.
        var indexers = Enumerable.Range(0, 3).Select(_ => new CrashChildProcess("index", home.Path)).ToList();
        Assert.All(indexers, c => Assert.Equal(0, c.WaitForExit()));
        indexers.ForEach(c => c.Dispose());
        using var index = new Repro.Sinks.SqliteIndexSink(RunIndex.PathOf(home.Path));
        Assert.Equal("ok", index.QueryScalar("PRAGMA integrity_check;"));
        Assert.Equal(total, Sinks.IndexChecks.StoredCount(index));
        foreach (var runId in runIds)
        {
            Sinks.IndexChecks.AssertHoldsTheLog(index, store, runId);
        }
        Assert.Equal(3L, index.QueryScalar("SELECT count(*) FROM runs WHERE status = 'finished';"));
    }

    [Fact]
    public void Another_process_sees_a_live_run_as_running_and_never_recovers_it()
    {
        using var home = new TemporaryDirectory("repro-live");
        using var run = Run.Start(new RunOptions { Home = home.Path });

        using (var child = new CrashChildProcess("status", home.Path, run.Id.ToString()))
        {
            Assert.Equal(0, child.WaitForExit());
            Assert.Equal(["Running"], child.Lines);
        }

        Assert.Equal(RunStatus.Running, new RunStore(home.Path).GetRun(run.Id.ToString()).Status);
        run.Finish();
        Assert.Equal(RunStatus.Finished, new RunStore(home.Path).GetRun(run.Id.ToString()).Status);
    }
}
