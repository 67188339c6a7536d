using Repro.Tests.Shared.Services;
using Repro.Runtime.Tests.Faults;
using Repro.Storage;
using Repro.Storage.Postgres;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage.Postgres;

/// <summary>
/// Shipping with real processes against a real server that fails: a 30-second outage under four live ranks, and a
/// shipper killed with SIGKILL in the middle of a batch. Every event ends in the store exactly once.
/// </summary>
[Collection(SequentialRuns.Name)] // it starts runs, and a process has one run at a time
public sealed class PostgresFaultTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    [SkippableFact]
    public void Four_ranks_shipping_live_through_a_30_second_outage_land_every_event_exactly_once_as_one_job()
    {
        var url = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-pg-outage");
        const string job = "outage-job-7";
        var stopped = false;
        var ranks = Enumerable.Range(0, 4).Select(rank => new CrashChildProcess("rank", home.Path, url, job, rank.ToString(System.Globalization.CultureInfo.InvariantCulture), "4", "45")).ToList();
        try
        {
            var runIds = ranks.Select(r => r.WaitForRunId()).ToList();
            // Wait until every rank has shipped something, so the outage falls in the middle of shipping.
            WaitUntil(() => PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.ship_cursors WHERE sequence > 100") == 4, TimeSpan.FromSeconds(60));
            var before = PostgresDatabases.Scalar<long>(url, "SELECT sum(sequence) FROM repro.ship_cursors");

            databases.Server.Stop();
            stopped = true;
            Thread.Sleep(TimeSpan.FromSeconds(30));
            databases.Server.Resume();
            stopped = false;

            Assert.All(ranks, rank => Assert.Equal(0, rank.WaitForExit()));
            var local = new RunStore(home.Path);
            var store = new PostgresRunReader(PostgresStoreAddress.Parse(url));
            foreach (var runId in runIds)
            {
                var events = StoreRuns.Events(local, runId);
                Assert.Equal(events, StoreRuns.Events(store, runId));
                Assert.Equal((long)local.GetRun(runId).LastSequence, (long)events.Count);
            }

            Assert.True(PostgresDatabases.Scalar<long>(url, "SELECT sum(sequence) FROM repro.ship_cursors") > before, "shipping went on after the outage");
            Assert.Equal(PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.events"), PostgresDatabases.Scalar<long>(url, "SELECT count(DISTINCT (run_id, event_id)) FROM repro.events"));
            // One logical run: the job's four ranks, each with its host and state.
            var job4 = store.JobRuns(job);
            Assert.Equal([0, 1, 2, 3], job4.Select(m => m.Environment.Rank));
            Assert.All(job4, m => Assert.Equal((4, Repro.Runs.RunStatus.Finished, Environment.MachineName), (m.Environment.WorldSize, m.Status, m.Environment.Host)));
        }
        finally
        {
            if (stopped)
            {
                databases.Server.Resume();
            }

            ranks.ForEach(r => r.Dispose());
        }
    }

    [SkippableFact]
    public void A_shipper_killed_mid_batch_loses_nothing_and_its_successor_duplicates_nothing()
    {
        var url = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-pg-kill");
        var runId = StoreRuns.Record(home.Path, "killed-shipper", steps: 40_000);
        long committed;
        using (var shipper = new CrashChildProcess("ship", home.Path, url, runId, "2000"))
        {
            WaitUntil(() => shipper.Lines.Count(l => l.StartsWith("COMMITTED ", StringComparison.Ordinal)) >= 3, TimeSpan.FromSeconds(60));
            shipper.Kill();
            Assert.DoesNotContain(shipper.Lines, l => l.StartsWith("SHIPPED", StringComparison.Ordinal));
            committed = shipper.Lines.Where(l => l.StartsWith("COMMITTED ", StringComparison.Ordinal)).Select(l => long.Parse(l[10..], System.Globalization.CultureInfo.InvariantCulture)).Max();
        }

        // What the store holds is exactly a prefix of the log: the committed batches, nothing of the one cut short.
        var cursor = PostgresDatabases.Scalar<long>(url, "SELECT sequence FROM repro.ship_cursors");
        Assert.True(cursor >= committed, $"cursor {cursor} behind the last batch reported committed ({committed})");
        var local = new RunStore(home.Path);
        var all = StoreRuns.Events(local, runId);
        Assert.True(cursor < all.Count, "the shipper was killed before the end");
        Assert.Equal(cursor, PostgresDatabases.Scalar<long>(url, $"""
            SELECT (SELECT count(*) FROM repro.events) + (SELECT coalesce(sum(cardinality(vals)), 0) FROM repro.scalars)
            """));

        using (var successor = new PostgresShipper(PostgresStoreAddress.Parse(url), local))
        {
            var result = successor.Ship(runId);
            Assert.Equal((ulong)all.Count, result.Cursor);
            Assert.Equal(all.Count - cursor, result.Events + result.Scalars);
        }

        Assert.Equal(all, StoreRuns.Events(new PostgresRunReader(PostgresStoreAddress.Parse(url)), runId));
        Assert.Equal(all.Count, PostgresDatabases.Scalar<long>(url, "SELECT (SELECT count(*) FROM repro.events) + (SELECT sum(cardinality(vals)) FROM repro.scalars)"));
    }

    private static void WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition did not hold in time");
            }

            Thread.Sleep(100);
        }
    }
}
