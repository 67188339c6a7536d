using Repro.Tests.Shared.Services;
using Repro.Storage;
using Repro.Storage.Postgres;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Storage.Postgres;

/// <summary>
/// Runs shipped into a real PostgreSQL read back exactly as the local WAL reads them; shipping again sends nothing
/// twice; one shipper at a time holds a run; the schema is checked at connect; a password is never recorded.
/// </summary>
[Collection(SequentialRuns.Name)] // it starts runs, and a process has one run at a time
public sealed class PostgresShippingTests(PostgresDatabases databases) : IClassFixture<PostgresDatabases>
{
    [SkippableFact]
    public void A_shipped_run_reads_back_event_for_event_and_shipping_again_sends_nothing()
    {
        var url = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-pg-ship");
        var runId = StoreRuns.Record(home.Path, "shipped", steps: 3_000);
        var local = new RunStore(home.Path);

        using (var shipper = new PostgresShipper(PostgresStoreAddress.Parse(url), local, batchScalars: 1_000))
        {
            var first = shipper.Ship(runId);
            var again = shipper.Ship(runId);

            Assert.Equal(local.GetRun(runId).LastSequence, first.Cursor);
            Assert.True(first.Scalars >= 3 * 3_000 + 300, $"{first.Scalars} scalars shipped");
            Assert.Empty(first.Problems);
            Assert.Equal((0L, 0L, first.Cursor), (again.Events, again.Scalars, again.Cursor));
        }

        var store = new PostgresRunReader(PostgresStoreAddress.Parse(url));
        Assert.Equal(StoreRuns.Events(local, runId), StoreRuns.Events(store, runId));
        Assert.Equal(Repro.Runs.RunManifestJson.Serialize(local.GetRun(runId)), Repro.Runs.RunManifestJson.Serialize(store.GetRun(runId)));
        Assert.Equal(local.LastSequenceInLog(runId), store.LastSequenceInLog(runId));
        // Scalars are typed columns, one row per metric and WAL batch: every scalar once.
        Assert.Equal(local.ReadEvents(runId).LongCount(e => e.ValueCase == Repro.Events.Event.ValueOneofCase.Scalar), PostgresDatabases.Scalar<long>(url, "SELECT coalesce(sum(cardinality(vals)), 0) FROM repro.scalars"));
        Assert.Equal(PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.events"), PostgresDatabases.Scalar<long>(url, "SELECT count(DISTINCT event_id) FROM repro.events"));
    }

    [SkippableFact]
    public void A_run_shipped_again_after_its_cursor_was_lost_skips_every_row_the_store_holds_and_sends_the_rest()
    {
        var url = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-pg-lost-cursor");
        var runId = StoreRuns.Record(home.Path, "lost cursor", steps: 2_000);
        var local = new RunStore(home.Path);
        using (var shipper = new PostgresShipper(PostgresStoreAddress.Parse(url), local, batchScalars: 1_000))
        {
            var committed = 0;
            var half = new PostgresShipper(PostgresStoreAddress.Parse(url), local, batchScalars: 1_000) { OnCommitted = (_, _) => committed++ };
            using (half)
            {
                half.Ship(runId);
            }

            Assert.True(committed > 4, $"{committed} batches");
            using (var connection = PostgresDatabases.Connect(url))
            {
                // Every event, the first three batches' scalars and no cursor: a store that holds part of what the shipper
                // will send, as one restored from a backup older than its cursor would.
                using var forget = new Npgsql.NpgsqlCommand($"""
                    DELETE FROM repro.scalars WHERE batch_sequence > (SELECT max(batch_sequence) FROM (SELECT DISTINCT batch_sequence FROM repro.scalars ORDER BY 1 LIMIT 3) b);
                    DELETE FROM repro.ship_cursors;
                    """, connection);
                forget.ExecuteNonQuery();
            }

            var again = shipper.Ship(runId);
            Assert.Equal(local.GetRun(runId).LastSequence, again.Cursor);
            Assert.True(shipper.StagedBatches >= 1, "the batches the store held in part went through staging");
        }

        var store = new PostgresRunReader(PostgresStoreAddress.Parse(url));
        Assert.Equal(StoreRuns.Events(local, runId), StoreRuns.Events(store, runId));
        Assert.Equal(local.ReadEvents(runId).LongCount(e => e.ValueCase == Repro.Events.Event.ValueOneofCase.Scalar), PostgresDatabases.Scalar<long>(url, "SELECT coalesce(sum(cardinality(vals)), 0) FROM repro.scalars"));
        Assert.Equal(PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.events"), PostgresDatabases.Scalar<long>(url, "SELECT count(DISTINCT event_id) FROM repro.events"));
    }

    [SkippableFact]
    public void Scalars_are_range_queryable_by_run_metric_and_step_and_a_month_of_runs_is_one_partition()
    {
        var url = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-pg-range");
        var runId = StoreRuns.Record(home.Path, "ranged", steps: 2_000);
        using (var shipper = new PostgresShipper(PostgresStoreAddress.Parse(url), new RunStore(home.Path)))
        {
            shipper.Ship(runId);
        }

        // The loss between steps 100 and 199, straight from SQL, as a dashboard or a notebook would ask.
        var sum = PostgresDatabases.Scalar<double>(url, $"""
            SELECT sum(v) FROM repro.scalars s JOIN repro.metrics m ON m.run_id = s.run_id AND m.metric_id = s.metric_id,
                unnest(s.steps, s.vals) AS u(step, v)
            WHERE s.run_id = '{runId}' AND m.name = 'loss' AND s.max_step >= 100 AND s.min_step <= 199 AND u.step BETWEEN 100 AND 199
            """);
        var expected = Enumerable.Range(100, 100).Sum(step => Math.Exp(-step * 0.01) + (step % 7 * 1e-3));
        Assert.Equal(expected, sum, 9);

        var month = Ulid.Parse(runId, System.Globalization.CultureInfo.InvariantCulture).Time.UtcDateTime.ToString("'y'yyyy'm'MM", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(1, PostgresDatabases.Scalar<int>(url, $"SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relname = 'scalars_{month}'"));
        // Dropping old data is dropping a month's partitions: the run's scalars and events go, nothing else is touched.
        using (var connection = PostgresDatabases.Connect(url))
        using (var drop = new Npgsql.NpgsqlCommand($"DROP TABLE repro.scalars_{month}; DROP TABLE repro.events_{month};", connection))
        {
            drop.ExecuteNonQuery();
        }

        Assert.Equal(0L, PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.scalars"));
        Assert.Equal(1L, PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.runs"));
    }

    [SkippableFact]
    public void A_second_shipper_for_the_same_run_is_refused_clearly_and_takes_over_once_the_first_is_gone()
    {
        var url = databases.NewDatabase();
        using var home = new TemporaryDirectory("repro-pg-two");
        var runId = StoreRuns.Record(home.Path, "contended", steps: 500);
        var address = PostgresStoreAddress.Parse(url);
        using var first = new PostgresShipper(address, new RunStore(home.Path));
        using var second = new PostgresShipper(address, new RunStore(home.Path));

        first.Ship(runId);
        var refused = Assert.Throws<ShipperBusyException>(() => second.Ship(runId));

        Assert.Contains(runId, refused.Message, StringComparison.Ordinal);
        Assert.Contains("another process", refused.Message, StringComparison.Ordinal);
        first.Dispose(); // its session ends, and with it its hold on the run (once the server has ended the session)
        var taken = Eventually(() => second.Ship(runId));
        Assert.Equal((0L, 0L), (taken.Events, taken.Scalars));
        Assert.Equal(PostgresDatabases.Scalar<long>(url, "SELECT count(*) FROM repro.events"), PostgresDatabases.Scalar<long>(url, "SELECT count(DISTINCT event_id) FROM repro.events"));
    }

    [SkippableFact]
    public void A_store_without_tables_is_refused_with_the_migrate_command_and_migrating_twice_applies_nothing()
    {
        var url = databases.NewDatabase(migrate: false);
        using var home = new TemporaryDirectory("repro-pg-schema");
        var runId = StoreRuns.Record(home.Path, "unmigrated", steps: 10);
        var address = PostgresStoreAddress.Parse(url);

        using (var shipper = new PostgresShipper(address, new RunStore(home.Path)))
        {
            var refused = Assert.Throws<PostgresStoreException>(() => shipper.Ship(runId));
            Assert.Contains("repro store migrate", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal([1], PostgresStore.Migrate(address));
        Assert.Empty(PostgresStore.Migrate(address));
        using (var connection = PostgresDatabases.Connect(url))
        using (var newer = new Npgsql.NpgsqlCommand("INSERT INTO repro.schema_migrations (version, description) VALUES (99, 'from the future')", connection))
        {
            newer.ExecuteNonQuery();
        }

        var tooNew = Assert.Throws<PostgresStoreException>(() => new PostgresRunReader(address).GetRun(runId));
        Assert.Contains("newer than this Repro", tooNew.Message, StringComparison.Ordinal);
        Assert.Throws<PostgresStoreException>(() => PostgresStore.Migrate(address));
    }

    [SkippableFact]
    public void A_live_run_is_shipped_while_it_runs_and_its_password_is_recorded_nowhere()
    {
        // Trust authentication ignores the password: the test checks only where it could leak.
        const string password = "pg-pass-9f3a7c";
        var url = databases.NewDatabase().Replace("postgres://repro@", $"postgres://repro:{password}@", StringComparison.Ordinal);
        using var home = new TemporaryDirectory("repro-pg-live");
        var logged = new List<string>();
        var run = Run.Start(new RunOptions { Home = home.Path, Name = "live", TelemetryInterval = TimeSpan.Zero, Store = url, StoreShipInterval = TimeSpan.FromMilliseconds(50) });
        var metric = new MetricDeclaration("loss");
        for (var step = 0; step < 200; step++)
        {
            run.LogScalar(metric, step, step);
        }

        run.Flush();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (PostgresDatabases.Scalar<long>(url, "SELECT coalesce(max(sequence), 0) FROM repro.ship_cursors") < 200 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        Assert.Equal("running", PostgresDatabases.Scalar<string>(url, "SELECT status FROM repro.runs"));
        run.Finish();

        var store = new PostgresRunReader(PostgresStoreAddress.Parse(url));
        var local = new RunStore(home.Path);
        Assert.Equal("finished", PostgresDatabases.Scalar<string>(url, "SELECT status FROM repro.runs"));
        Assert.Equal(StoreRuns.Events(local, run.Id.ToString()), StoreRuns.Events(store, run.Id.ToString()));
        foreach (var file in Directory.EnumerateFiles(home.Path, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(password, File.ReadAllText(file), StringComparison.Ordinal);
        }

        Assert.Equal(0L, PostgresDatabases.Scalar<long>(url, $"SELECT count(*) FROM repro.runs WHERE manifest_json LIKE '%{password}%'"));
        Assert.Equal(0L, PostgresDatabases.Scalar<long>(url, $"SELECT count(*) FROM repro.events WHERE position(convert_to('{password}', 'UTF8') in payload) > 0"));
    }

    /// <summary>The server ends a closed session's backend, and releases its locks, a moment after the client leaves.</summary>
    private static T Eventually<T>(Func<T> attempt)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return attempt();
            }
            catch (ShipperBusyException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}
