using Microsoft.Data.Sqlite;
using Repro.Events;
using Repro.Runtime.Tests.Events.Packing;
using Repro.Sinks;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Sinks;

/// <summary>The index keeps scalars as per-metric chunks: every scalar once, every bit, readable by step window.</summary>
[Collection(SequentialRuns.Name)]
public class IndexChunkTests
{
    private static readonly MetricDeclaration s_tokens = new("tokens", valueType: MetricValueType.Int64);
    private static readonly MetricDeclaration s_odd = new("odd");

    [Fact]
    public void A_long_run_is_held_whole_in_chunks_whose_summaries_match_their_scalars()
    {
        using var home = new TemporaryDirectory();
        var runId = RecordRun(home.Path, steps: 20_000);
        var store = new RunStore(home.Path);
        using var index = new SqliteIndexSink(RunIndex.PathOf(home.Path));

        SinkReplay.Replay(store, runId, index);

        IndexChecks.AssertHoldsTheLog(index, store, runId);
        // 20,000 losses do not fit one chunk: they are split at its limit.
        Assert.Equal(2L, index.QueryScalar("SELECT count(*) FROM scalar_chunks WHERE run_id = $run AND name = 'train/loss';", ("$run", runId)));
        using var chunks = new SqliteCommand("SELECT name, first_sequence, last_sequence, count, min_step, max_step, first_time_unix_nanos, last_time_unix_nanos, integer, min, max, last FROM scalar_chunks WHERE run_id = $run;", Connection(index));
        chunks.Parameters.AddWithValue("$run", runId);
        using var row = chunks.ExecuteReader();
        var seen = 0;
        while (row.Read())
        {
            seen++;
            var name = row.GetString(0);
            var scalars = index.ReadScalars(runId, name).Where(s => s.Sequence >= (ulong)row.GetInt64(1) && s.Sequence <= (ulong)row.GetInt64(2)).ToList();
            var values = scalars.Select(s => s.Value).Where(v => !double.IsNaN(v)).ToList();
            Assert.Equal(scalars.Count, row.GetInt64(3));
            Assert.Equal((scalars.Min(s => s.Step), scalars.Max(s => s.Step)), (row.GetInt64(4), row.GetInt64(5)));
            Assert.Equal((scalars[0].TimestampUnixNanos, scalars[^1].TimestampUnixNanos), (row.GetInt64(6), row.GetInt64(7)));
            Assert.Equal(name == "tokens", row.GetInt64(8) == 1);
            Assert.Equal(values.Min(), row.GetDouble(9));
            Assert.Equal(values.Max(), row.GetDouble(10));
            Assert.Equal(double.IsNaN(scalars[^1].Value), row.IsDBNull(11));
        }

        Assert.True(seen >= 5, $"{seen} chunks");
    }

    [Fact]
    public void A_step_window_gives_exactly_the_scalars_logged_in_it()
    {
        using var home = new TemporaryDirectory();
        var runId = RecordRun(home.Path, steps: 20_000);
        var store = new RunStore(home.Path);
        using var index = new SqliteIndexSink(RunIndex.PathOf(home.Path));
        SinkReplay.Replay(store, runId, index);

        var window = index.ReadScalars(runId, "train/loss", 16_380, 16_390).ToList();
        var expected = store.ReadEvents(runId).Where(e => e.Name == "train/loss" && e.Step is >= 16_380 and <= 16_390).ToList();

        Assert.Equal(expected.Select(e => (e.Sequence, e.Step, e.Scalar.Value)), window.Select(s => (s.Sequence, s.Step, s.Value)));
        Assert.Equal(11, window.Count);
        Assert.Empty(index.ReadScalars(runId, "train/loss", 1_000_000, 2_000_000));
        Assert.Empty(index.ReadScalars(runId, "no such metric"));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.ReadScalars(runId, "train/loss", 5, 4));

        // Only the chunks whose steps meet the window are decoded: damage in the first does not touch a window after it.
        index.QueryScalar("UPDATE scalar_chunks SET data = x'01' WHERE name = 'train/loss' AND min_step = 0;");
        Assert.Equal(11, index.ReadScalars(runId, "train/loss", 17_000, 17_010).Count());
        Assert.Throws<InvalidDataException>(() => index.ReadScalars(runId, "train/loss", 10, 20).ToList());
    }

    [Fact]
    public void Events_delivered_one_by_one_small_deliveries_and_a_replay_after_the_cursor_was_lost_store_each_scalar_once()
    {
        using var home = new TemporaryDirectory();
        var runId = RecordRun(home.Path, steps: 3_000);
        var store = new RunStore(home.Path);
        var path = RunIndex.PathOf(home.Path);
        using (var index = new SqliteIndexSink(path))
        {
            // As events, through the plain sink interface, in deliveries that cut records apart.
            SinkReplay.Replay(store, runId, new AsEvents(index), batchSize: 37);
            IndexChecks.AssertHoldsTheLog(index, store, runId);

            index.QueryScalar("DELETE FROM sink_cursors;");
            SinkReplay.Replay(store, runId, index, batchSize: 1_000);
            index.QueryScalar("DELETE FROM sink_cursors;");
            var again = SinkReplay.Replay(store, runId, index);

            Assert.Equal(0, again.Delivered);
            IndexChecks.AssertHoldsTheLog(index, store, runId);
        }
    }

    [Fact]
    public void Updates_after_every_few_hundred_steps_of_a_live_run_leave_the_same_chunks_as_one_rebuild()
    {
        using var home = new TemporaryDirectory();
        var store = new RunStore(home.Path);
        var updated = Path.Combine(home.Path, "updated.db");
        string runId;
        using (var run = Run.Start(new RunOptions { Home = home.Path, WarningsToStandardError = false }))
        {
            runId = run.Id.ToString();
            var stream = new RealisticMetricStream(7).Take(3 * 20_000).GetEnumerator();
            for (var step = 0; step < 20_000; step++)
            {
                for (var i = 0; i < 3 && stream.MoveNext(); i++)
                {
                    run.LogScalar(stream.Current.Metric, stream.Current.Step, stream.Current.Value);
                }

                if (step % 700 == 699)
                {
                    Assert.True(run.Flush());
                    using var index = new SqliteIndexSink(updated);
                    SinkReplay.Replay(store, runId, index);
                }
            }
        }

        using (var index = new SqliteIndexSink(updated))
        {
            SinkReplay.Replay(store, runId, index);
            IndexChecks.AssertHoldsTheLog(index, store, runId);
        }

        RunIndex.Rebuild(store);

        const string Chunks = "SELECT group_concat(name || ':' || first_sequence || '-' || last_sequence || ':' || count || ':' || hex(data), ' ') FROM (SELECT * FROM scalar_chunks ORDER BY name, first_sequence);";
        using var rebuilt = new SqliteIndexSink(RunIndex.PathOf(home.Path));
        using var incremental = new SqliteIndexSink(updated);
        Assert.Equal(rebuilt.QueryScalar(Chunks), incremental.QueryScalar(Chunks));
        Assert.Equal(6L, incremental.QueryScalar("SELECT count(*) FROM scalar_chunks;")); // 20,000 a metric: 16,384 + 3,616
    }

    [Fact]
    public void An_index_of_version_1_is_upgraded_when_opened_and_the_next_update_indexes_every_log_again()
    {
        using var home = new TemporaryDirectory();
        var runId = RecordRun(home.Path, steps: 500);
        var store = new RunStore(home.Path);
        var path = RunIndex.PathOf(home.Path);
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = $"""
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO meta VALUES ('schema_version', '1');
                CREATE TABLE events (event_id BLOB PRIMARY KEY, run_id TEXT NOT NULL, sequence INTEGER NOT NULL,
                    timestamp_unix_nanos INTEGER NOT NULL, step INTEGER NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
                    value REAL, value_bits INTEGER, value_int INTEGER, json TEXT) WITHOUT ROWID;
                INSERT INTO events VALUES (x'00', '{runId}', 1, 0, 0, 'train/loss', 'scalar', 1.0, 0, NULL, NULL);
                CREATE TABLE sink_cursors (run_id TEXT PRIMARY KEY, sequence INTEGER NOT NULL);
                INSERT INTO sink_cursors VALUES ('{runId}', 1);
                """;
            create.ExecuteNonQuery();
        }

        var report = RunIndex.Update(store);

        using var index = new SqliteIndexSink(path);
        Assert.Equal("2", index.QueryScalar("SELECT value FROM meta WHERE key = 'schema_version';"));
        Assert.Equal(store.ReadEvents(runId).LongCount(), report.Events);
        IndexChecks.AssertHoldsTheLog(index, store, runId);
    }

    [Fact]
    public void An_index_of_a_later_version_is_refused_with_how_to_rebuild_it()
    {
        using var home = new TemporaryDirectory();
        var path = RunIndex.PathOf(home.Path);
        using (var index = new SqliteIndexSink(path))
        {
            index.QueryScalar("UPDATE meta SET value = '3' WHERE key = 'schema_version';");
        }

        var error = Assert.Throws<InvalidDataException>(() => new SqliteIndexSink(path));

        Assert.Contains("version 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("repro index rebuild", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_chunk_is_reported_when_read_not_returned_as_other_values()
    {
        using var home = new TemporaryDirectory();
        var runId = RecordRun(home.Path, steps: 200);
        var store = new RunStore(home.Path);
        using var index = new SqliteIndexSink(RunIndex.PathOf(home.Path));
        SinkReplay.Replay(store, runId, index);

        index.QueryScalar("UPDATE scalar_chunks SET data = substr(data, 1, 4) WHERE name = 'train/loss';");

        var error = Assert.Throws<InvalidDataException>(() => index.ReadScalars(runId, "train/loss").ToList());
        Assert.Contains("train/loss", error.Message, StringComparison.Ordinal);
        Assert.Contains(runId, error.Message, StringComparison.Ordinal);
        Assert.Contains("repro index rebuild", error.Message, StringComparison.Ordinal);
        Assert.Equal(200, index.ReadScalars(runId, "train/lr").Count());
    }

    /// <summary>
    /// Realistic metrics every step, an integer metric past 2^53, doubles that need every bit (NaN, ±∞, -0.0,
    /// subnormals) and a text event every 1,000 steps, in between scalar batches.
    /// </summary>
    private static string RecordRun(string home, int steps)
    {
        using var run = Run.Start(new RunOptions { Home = home, WarningsToStandardError = false });
        double[] odd = [double.NaN, double.PositiveInfinity, -0.0, double.Epsilon, double.NegativeInfinity, 1e308];
        var stream = new RealisticMetricStream(20261206).Take(steps * 3).GetEnumerator();
        for (var step = 0; step < steps; step++)
        {
            for (var i = 0; i < 3 && stream.MoveNext(); i++)
            {
                run.LogScalar(stream.Current.Metric, stream.Current.Step, stream.Current.Value);
            }

            run.LogInteger(s_tokens, step, (1L << 53) + (step * 7L));
            if (step % 7 == 0)
            {
                run.LogScalar(s_odd, step, odd[step / 7 % odd.Length]);
            }

            if (step % 1_000 == 999)
            {
                run.LogText($"step {step}");
            }
        }

        return run.Id.ToString();
    }

    private static SqliteConnection Connection(SqliteIndexSink index)
    {
        var connection = new SqliteConnection($"Data Source={index.Path};Pooling=False;Mode=ReadOnly");
        connection.Open();
        return connection;
    }

    /// <summary>The index through the plain sink interface only: events, one object per scalar.</summary>
    private sealed class AsEvents(SqliteIndexSink index) : IEventSink
    {
        public SinkCursor ReadCursor(string runId) => index.ReadCursor(runId);

        public void Deliver(string runId, IReadOnlyList<Event> events, SinkCursor cursor) => index.Deliver(runId, events, cursor);

        public void Dispose()
        {
        }
    }
}
