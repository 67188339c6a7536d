using Microsoft.Extensions.Logging;
using Repro.Storage;
using Repro.Storage.Postgres;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Services;

namespace Repro.Runtime.Tests.Storage.Postgres;

/// <summary>
/// What a training process sees of the store when it fails: nothing on its logging calls, one warning per outage
/// and one line when shipping resumes; and what happens to damaged WAL records and concurrent migrations.
/// </summary>
[Collection(SequentialRuns.Name)] // it starts runs, and a process has one run at a time
public sealed class PostgresOutageTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    [SkippableFact]
    public void A_run_records_in_full_while_the_store_is_down_warns_once_and_ships_everything_when_it_returns()
    {
        var url = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-pg-down");
        using var factory = new CollectingLoggerFactory();
        databases.Server.Stop();
        Run run;
        try
        {
            run = Run.Start(new RunOptions { Home = home.Path, Name = "offline-store", TelemetryInterval = TimeSpan.Zero, Store = url, LoggerFactory = factory, StoreShipInterval = TimeSpan.FromMilliseconds(20), WarningsToStandardError = false });
            var metric = new MetricDeclaration("loss");
            for (var step = 0; step < 20_000; step++)
            {
                run.LogScalar(metric, step, step * 0.5);
            }

            run.Flush(); // acknowledged by the WAL, whatever the store does
            WaitUntil(() => factory.Messages.Any(m => m.Contains("delayed", StringComparison.Ordinal)));
            Thread.Sleep(500); // several failed passes
        }
        finally
        {
            databases.Server.Resume();
        }

        WaitUntil(() => factory.Messages.Any(m => m.Contains("resumed", StringComparison.Ordinal)));
        run.Finish();

        Assert.Single(factory.Messages, m => m.Contains("shipping to the central store is delayed", StringComparison.Ordinal));
        Assert.DoesNotContain(factory.Messages, m => m.Contains("holds events up to", StringComparison.Ordinal) && m.Contains("repro push", StringComparison.Ordinal));
        var local = new RunStore(home.Path);
        Assert.Equal(StoreRuns.Events(local, run.Id.ToString()), StoreRuns.Events(new PostgresRunReader(PostgresStoreAddress.Parse(url)), run.Id.ToString()));
    }

    [SkippableFact]
    public void Damaged_records_are_not_shipped_and_the_store_s_log_reports_the_gap_like_the_wal_does()
    {
        var url = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-pg-damage");
        var runId = StoreRuns.Record(home.Path, "damaged", steps: 3_000);
        var segment = Repro.Wal.WalReader.ListSegments(ReproHome.WalDirectory(ReproHome.RunDirectory(home.Path, runId)))[0];
        FileDamage.FlipByte(segment, new FileInfo(segment).Length / 2);
        var local = new RunStore(home.Path);
        var localProblems = new List<string>();
        var localEvents = StoreRuns.JsonLines(local.ReadEvents(runId, p => localProblems.Add(p.Reason)));

        ShipResult result;
        using (var shipper = new PostgresShipper(PostgresStoreAddress.Parse(url), local))
        {
            result = shipper.Ship(runId);
        }

        Assert.NotEmpty(result.Problems);
        var storeProblems = new List<string>();
        var storeEvents = StoreRuns.JsonLines(new PostgresRunReader(PostgresStoreAddress.Parse(url)).ReadEvents(runId, p => storeProblems.Add(p.Reason)));
        Assert.Equal(localEvents, storeEvents);
        Assert.Contains(localProblems, p => p.Contains("are missing", StringComparison.Ordinal));
        Assert.Contains(storeProblems, p => p.Contains("are missing", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Migrations_started_from_several_processes_at_once_are_applied_exactly_once()
    {
        var url = databases.NewDatabase(migrate: false);
        var address = PostgresStoreAddress.Parse(url);

        var applied = Enumerable.Range(0, 4).AsParallel().WithDegreeOfParallelism(4).Select(_ => PostgresStore.Migrate(address)).ToList();

        Assert.Equal(1, applied.Count(versions => versions.SequenceEqual([1])));
        Assert.Equal(3, applied.Count(versions => versions.Count == 0));
        Assert.Equal(1L, PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.schema_migrations"));
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold in time");
            Thread.Sleep(20);
        }
    }
}
