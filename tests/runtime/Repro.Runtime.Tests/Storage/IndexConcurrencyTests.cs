using Repro.Sinks;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage;

/// <summary>
/// <c>index rebuild</c> while other processes run <c>index update</c> on the same home: the index is
/// never corrupted, no journal file is deleted under a live connection, and after the dust settles
/// one more update finds every event exactly once.
/// </summary>
[Collection(SequentialRuns.Name)]
public class IndexConcurrencyTests
{
    [Fact]
    public void Rebuilds_and_updates_from_several_processes_at_once_never_corrupt_or_lose_events()
    {
        using var home = new TemporaryDirectory("repro-index-race");
        long total = 0;
        var metric = new MetricDeclaration("loss");
        for (var r = 0; r < 3; r++)
        {
            using var run = Run.Start(new RunOptions { Home = home.Path, WarningsToStandardError = false });
            for (var step = 0; step < 20_000; step++)
            {
                run.LogScalar(metric, step, step);
            }
        }

        var store = new RunStore(home.Path);
        total = store.ListRuns().Sum(r => store.ReadEvents(r.RunId).LongCount());

        var children = new List<Faults.CrashChildProcess>
        {
            new("index-loop", home.Path, "6"),
            new("index-loop", home.Path, "6"),
            new("rebuild-loop", home.Path, "4"),
        };
        foreach (var child in children)
        {
            Assert.True(child.WaitForExit() == 0, string.Join(" | ", child.Errors.TakeLast(5)));
            Assert.Contains("LOOPED", child.Lines);
            child.Dispose();
        }

        RunIndex.Update(store);
        using var index = new SqliteIndexSink(RunIndex.PathOf(home.Path));
        Assert.Equal("ok", index.QueryScalar("PRAGMA integrity_check;"));
        Assert.Equal(total, Sinks.IndexChecks.StoredCount(index));
        foreach (var run in store.ListRuns())
        {
            Sinks.IndexChecks.AssertHoldsTheLog(index, store, run.RunId);
        }
        Assert.Equal(3L, index.QueryScalar("SELECT count(*) FROM runs;"));
        Assert.Empty(Directory.GetFiles(home.Path, "index.db.rebuild-*"));
    }
}
