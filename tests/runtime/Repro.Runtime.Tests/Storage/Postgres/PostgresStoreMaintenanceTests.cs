using Npgsql;
using Repro.Storage.Audit;
using Repro.Storage.Maintenance;
using Repro.Storage.Postgres;
using Repro.Tests.Shared;
using Repro.Tests.Shared.Services;

namespace Repro.Runtime.Tests.Storage.Postgres;

/// <summary>
/// gc and du on a real central store: failed runs past their time are deleted whole, kept and finished ones stay, a
/// run's own tags override the policy, and past months left empty lose their partitions.
/// </summary>
[Collection(SequentialRuns.Name)]
public sealed class PostgresStoreMaintenanceTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    private static readonly MetricDeclaration s_loss = new("store_gc_loss");

    [SkippableFact]
    public void Gc_deletes_failed_runs_past_their_time_whole_and_drops_past_months_left_empty()
    {
        var url = databases.NewDatabase();
        var address = PostgresStoreAddress.Parse(url);
        using var home = new TemporaryDirectory("repro-store-gc");
        var failed = Record(home.Path, url, fail: true);
        var kept = Record(home.Path, url, fail: true, tags: new() { ["retention"] = "keep" });
        var ownRule = Record(home.Path, url, fail: true, tags: new() { ["retention.failed_runs_days"] = "never" });
        var finished = Record(home.Path, url, fail: false);
        // A month long past whose runs were all deleted before: its partitions are empty.
        using (var connection = Connect(url))
        {
            PostgresSchema.EnsurePartitions(connection, Ulid.NewUlid(new DateTimeOffset(2025, 1, 15, 0, 0, 0, TimeSpan.Zero)).ToString());
        }

        var policy = new RetentionPolicy { FailedRunsFor = TimeSpan.FromDays(1) };
        var later = DateTimeOffset.UtcNow.AddDays(2);

        Assert.DoesNotContain(PostgresStoreMaintenance.Plan(address, policy, DateTimeOffset.UtcNow).Items, i => i.Action == GcAction.DeleteStoreRun);
        var dry = PostgresStoreMaintenance.Plan(address, policy, later);
        Assert.Equal([(GcAction.DeleteStoreRun, failed), (GcAction.DropStorePartition, "y2025m01")], dry.Items.Select(i => (i.Action, i.Target)));
        Assert.True(dry.Items[0].Bytes > 0);
        Assert.Equal(4L, Count(url, "SELECT count(*) FROM repro.runs"));

        var done = PostgresStoreMaintenance.Collect(address, policy, later, home.Path);

        Assert.Equal(dry.Items.Select(i => i.Target), done.Items.Select(i => i.Target));
        Assert.Equal(0L, Count(url, $"SELECT count(*) FROM repro.runs WHERE run_id = '{failed}'"));
        foreach (var table in new[] { "events", "scalars", "metrics", "run_tags", "run_metrics", "ship_cursors" })
        {
            Assert.Equal(0L, Count(url, $"SELECT count(*) FROM repro.{table} WHERE run_id = '{failed}'"));
        }

        foreach (var stays in new[] { kept, ownRule, finished })
        {
            Assert.True(Count(url, $"SELECT count(*) FROM repro.events WHERE run_id = '{stays}'") > 0, stays);
        }

        Assert.Equal(0L, Count(url, "SELECT count(*) FROM pg_class WHERE relname IN ('events_y2025m01', 'scalars_y2025m01')"));
        var thisMonth = DateTime.UtcNow.ToString("'y'yyyy'm'MM", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2L, Count(url, $"SELECT count(*) FROM pg_class WHERE relname IN ('events_{thisMonth}', 'scalars_{thisMonth}')"));
        var audit = AuditLog.Read(home.Path).Single(r => r.Action == "gc");
        Assert.EndsWith(address.Display[address.Display.IndexOf('@', StringComparison.Ordinal)..], audit.Details["target"], StringComparison.Ordinal); // the user name is redacted
        Assert.Equal("1", audit.Details["store_runs_deleted"]);
        Assert.Equal("y2025m01", audit.Details["store_partitions_dropped"]);
        Assert.Equal([failed], audit.Runs);

        // Done once: nothing is left to do.
        Assert.Empty(PostgresStoreMaintenance.Plan(address, policy, later).Items);
    }

    [SkippableFact]
    public void Du_shows_each_months_partitions_the_largest_runs_and_the_other_tables()
    {
        var url = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-store-du");
        var small = Record(home.Path, url, fail: false, steps: 10);
        var large = Record(home.Path, url, fail: false, steps: 3000);

        var usage = PostgresStoreMaintenance.Usage(PostgresStoreAddress.Parse(url), topRuns: 1);

        var month = Assert.Single(usage.Months);
        Assert.Equal(DateTime.UtcNow.ToString("'y'yyyy'm'MM", System.Globalization.CultureInfo.InvariantCulture), month.Suffix);
        Assert.Equal(2, month.Runs);
        Assert.True(month.ScalarsBytes > 0 && month.EventsBytes > 0);
        Assert.Equal(large, Assert.Single(usage.Runs).RunId);
        Assert.True(usage.Runs[0].ScalarsBytes > 0);
        Assert.Equal(2, usage.RunCount);
        Assert.True(usage.OtherBytes > 0);
        Assert.Equal(usage.Months.Sum(m => m.TotalBytes) + usage.OtherBytes, usage.TotalBytes);
        Assert.NotEqual(small, large);
    }

    private static string Record(string home, string store, bool fail, Dictionary<string, string>? tags = null, int steps = 50)
    {
        var run = Run.Start(new RunOptions { Home = home, TelemetryInterval = TimeSpan.Zero, Store = store, Tags = tags, StoreShipInterval = TimeSpan.FromMilliseconds(50) });
        for (var step = 0; step < steps; step++)
        {
            run.LogScalar(s_loss, step, 1.0 / (step + 1));
        }

        if (fail)
        {
            run.Fail(new InvalidOperationException("diverged"));
        }
        else
        {
            run.Finish();
        }

        Thread.Sleep(2);
        return run.Id.ToString();
    }

    private static NpgsqlConnection Connect(string url) => PostgresDatabases.Connect(url);

    private static long Count(string url, string sql) => Convert.ToInt64(PostgresDatabases.Scalar<object>(url, sql), System.Globalization.CultureInfo.InvariantCulture);
}
