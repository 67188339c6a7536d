using Microsoft.Data.Sqlite;
using Repro.Events;
using Repro.Pipeline;
using Repro.Sinks;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Sinks;

/// <summary>Sinks resume reading a run's log where they stopped instead of re-reading it from the start.</summary>
[Collection(SequentialRuns.Name)]
public class ResumeTests
{
    private static readonly MetricDeclaration s_loss = new("loss");
    private static readonly MetricDeclaration s_steps = new("steps", valueType: MetricValueType.Int64);

    [Fact]
    public void A_second_index_update_starts_at_the_stored_resume_point_and_never_reads_the_part_of_the_log_before_it()
    {
        using var home = new TemporaryDirectory();
        var options = SmallSegments(home.Path);
        string runId;
        using (var run = Run.Start(options))
        {
            runId = run.Id.ToString();
            Log(run, 0, 3_000);
            Assert.True(run.Flush());
            var store = new RunStore(home.Path);
            var first = RunIndex.Update(store);
            Assert.Empty(first.Problems);

            // Damage the first segment after it was indexed: a replay that re-read the log would report it.
            var firstSegment = WalFiles(home.Path, runId)[0];
            FileDamage.FlipByte(firstSegment, 200);

            Log(run, 3_000, 3_010);
            Assert.True(run.Flush());
            var second = RunIndex.Update(store);

            Assert.Empty(second.Problems);
            Assert.Equal(20, second.Events); // two metrics, ten steps
        }

        using var index = new SqliteIndexSink(RunIndex.PathOf(home.Path));
        Assert.Equal(6_020L, index.QueryScalar("SELECT sum(count) FROM scalar_chunks WHERE run_id = $run;", ("$run", runId)));
    }

    [Fact]
    public void Replays_cut_into_small_batches_inside_scalar_records_and_across_segments_deliver_every_event_once_in_order()
    {
        using var home = new TemporaryDirectory();
        var options = SmallSegments(home.Path);
        var sink = new RecordingSink();
        string runId;
        var store = new RunStore(home.Path);
        var resumed = new List<bool>();
        using (var run = Run.Start(options))
        {
            runId = run.Id.ToString();
            for (var round = 0; round < 8; round++)
            {
                Log(run, round * 700, (round + 1) * 700);
                run.LogText($"round {round}");
                Assert.True(run.Flush());
                resumed.Add(SinkReplay.Replay(store, runId, sink, batchSize: 37).Resumed);
            }
        }

        resumed.Add(SinkReplay.Replay(store, runId, sink, batchSize: 37).Resumed);

        var expected = store.ReadEvents(runId).Select(e => e.Sequence).ToList();
        Assert.True(WalFiles(home.Path, runId).Count > 3, "the run should span several segments");
        Assert.Equal(expected, sink.Stored.Select(e => e.Sequence));
        Assert.Equal(expected.Count, sink.Stored.Select(e => e.EventId).Distinct().Count());
        Assert.False(resumed[0]);
        Assert.All(resumed.Skip(1), Assert.True);
    }

    [Fact]
    public void A_resume_point_from_another_run_or_a_garbled_one_is_ignored_and_the_log_is_read_from_its_start()
    {
        using var home = new TemporaryDirectory();
        var store = new RunStore(home.Path);
        var first = RecordRun(home.Path, 500);
        var second = RecordRun(home.Path, 800);
        var other = new RecordingSink();
        SinkReplay.Replay(store, second, other, batchSize: 100);
        var foreign = other.Cursor.ResumeAt;
        Assert.NotNull(foreign);

        foreach (var resumeAt in new[] { foreign, [1, 2, 3, 4, 5], [] })
        {
            var sink = new RecordingSink { Cursor = new SinkCursor(0, resumeAt) };
            var result = SinkReplay.Replay(store, first, sink);

            Assert.False(result.Resumed);
            Assert.Equal(store.ReadEvents(first).Select(e => e.Sequence), sink.Stored.Select(e => e.Sequence));
        }
    }

    [Fact]
    public void A_resume_point_into_a_segment_cut_back_by_recovery_is_not_trusted()
    {
        using var home = new TemporaryDirectory();
        var store = new RunStore(home.Path);
        var runId = RecordRun(home.Path, 2_000);
        var sink = new RecordingSink();
        SinkReplay.Replay(store, runId, sink, batchSize: 100_000);
        var checkpoint = ReplayCheckpoint.Parser.ParseFrom(sink.Cursor.ResumeAt);

        // Its record gone (as if the file were replaced by an older copy): the stored offset no longer holds one.
        var segment = WalFiles(home.Path, runId).Single(f => Path.GetFileName(f) == checkpoint.Segment);
        using (var stream = new FileStream(segment, FileMode.Open))
        {
            stream.SetLength(checkpoint.Offset + 3);
        }

        var fresh = new RecordingSink { Cursor = new SinkCursor(0, sink.Cursor.ResumeAt) };
        var result = SinkReplay.Replay(store, runId, fresh);

        Assert.False(result.Resumed);
        Assert.NotEmpty(fresh.Stored);
    }

    [Fact]
    public void The_json_lines_export_keeps_its_resume_points_across_processes()
    {
        using var home = new TemporaryDirectory();
        var store = new RunStore(home.Path);
        var runId = RecordRun(home.Path, 1_000);
        var jsonl = Path.Combine(home.Path, "out.jsonl");
        using (var sink = new JsonLinesSink(jsonl))
        {
            Assert.False(SinkReplay.Replay(store, runId, sink).Resumed);
        }

        using (var sink = new JsonLinesSink(jsonl))
        {
            Assert.NotNull(sink.ReadCursor(runId).ResumeAt);
            var again = SinkReplay.Replay(store, runId, sink);
            Assert.True(again.Resumed);
            Assert.Equal(0, again.Delivered);
        }

        Assert.Equal(store.ReadEvents(runId).Count(), File.ReadLines(jsonl).Count());
    }

    [Fact]
    public void An_index_written_before_resume_points_existed_gains_the_column_and_its_version_1_cursors_start_over()
    {
        using var home = new TemporaryDirectory();
        var path = Path.Combine(home.Path, "index.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            using var command = old.CreateCommand();
            command.CommandText = """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO meta VALUES ('schema_version', '1');
                CREATE TABLE sink_cursors (run_id TEXT PRIMARY KEY, sequence INTEGER NOT NULL);
                INSERT INTO sink_cursors VALUES ('01JDQ4Z7Y3M5N8P2R6T9V0W1X2', 42);
                """;
            command.ExecuteNonQuery();
        }

        using var index = new SqliteIndexSink(path);

        // Version 1 held a row per scalar; the upgrade drops them and the cursors with them, so the logs are read again.
        Assert.Equal(SinkCursor.None, index.ReadCursor("01JDQ4Z7Y3M5N8P2R6T9V0W1X2"));
        Assert.Equal(1L, index.QueryScalar("SELECT count(*) FROM pragma_table_info('sink_cursors') WHERE name = 'resume_at';"));
    }

    private static RunOptions SmallSegments(string home) => new()
    {
        Home = home,
        WarningsToStandardError = false,
        Pipeline = new EventPipelineOptions { SegmentSizeBytes = 8192, MaxBatchSize = 128 },
    };

    private static void Log(Run run, int from, int to)
    {
        for (var step = from; step < to; step++)
        {
            run.LogScalar(s_loss, step, 1.0 / (step + 1));
            run.LogInteger(s_steps, step, step);
        }
    }

    private static string RecordRun(string home, int steps)
    {
        using var run = Run.Start(SmallSegments(home));
        Log(run, 0, steps);
        return run.Id.ToString();
    }

    private static IReadOnlyList<string> WalFiles(string home, string runId)
        => Repro.Wal.WalReader.ListSegments(ReproHome.WalDirectory(ReproHome.RunDirectory(home, runId)));

    /// <summary>A sink that keeps what it is given in memory, with its cursor and resume point.</summary>
    private sealed class RecordingSink : IEventSink
    {
        public List<Event> Stored { get; } = [];

        public SinkCursor Cursor { get; set; }

        public SinkCursor ReadCursor(string runId) => Cursor;

        public void Deliver(string runId, IReadOnlyList<Event> events, SinkCursor cursor)
        {
            Stored.AddRange(events.Where(e => e.Sequence > Cursor.Sequence));
            Cursor = cursor;
        }

        public void Dispose()
        {
        }
    }
}
