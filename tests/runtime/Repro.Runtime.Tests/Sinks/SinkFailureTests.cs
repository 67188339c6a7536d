using Microsoft.Extensions.Logging;
using Repro.Events;
using Repro.Sinks;
using Repro.Storage;
using Repro.Tests.Shared;

namespace Repro.Runtime.Tests.Sinks;

[Collection(SequentialRuns.Name)]
public class SinkFailureTests
{
    [Fact]
    public void A_failing_sink_is_logged_keeps_its_cursor_and_resumes_on_the_next_replay()
    {
        using var home = new TemporaryDirectory();
        string runId;
        var metric = new MetricDeclaration("loss");
        using (var run = Run.Start(new RunOptions { Home = home.Path }))
        {
            runId = run.Id.ToString();
            for (var i = 0; i < 25; i++)
            {
                run.LogScalar(metric, i, i);
            }
        }

        var store = new RunStore(home.Path);
        var sink = new DiskFullAfterOneBatchSink();
        var logger = new CollectingLogger();

        Assert.Throws<IOException>(() => SinkReplay.Replay(store, runId, sink, batchSize: 10, logger: logger));

        var entry = Assert.Single(logger.Entries);
        Assert.Equal((3001, LogLevel.Error), (entry.Id.Id, entry.Level));
        Assert.Contains(runId, entry.Message, StringComparison.Ordinal);
        Assert.Equal(10ul, sink.ReadCursor(runId).Sequence);

        sink.DiskFull = false;
        var resumed = SinkReplay.Replay(store, runId, sink, batchSize: 10);

        Assert.Equal(store.ReadEvents(runId).Count() - 10, resumed.Delivered);
        Assert.Equal(Enumerable.Range(1, store.ReadEvents(runId).Count()).Select(i => (ulong)i), sink.Stored.Select(e => e.Sequence));
    }

    [Fact]
    public void A_record_sink_that_fails_while_the_log_is_read_ahead_stops_the_reader_keeps_its_cursor_and_resumes()
    {
        using var home = new TemporaryDirectory();
        string runId;
        var metric = new MetricDeclaration("loss");
        var options = new RunOptions { Home = home.Path, Pipeline = new Repro.Pipeline.EventPipelineOptions { MaxBatchSize = 128 } };
        using (var run = Run.Start(options))
        {
            runId = run.Id.ToString();
            for (var i = 0; i < 5_000; i++)
            {
                run.LogScalar(metric, i, i);
                if (i % 1_000 == 0)
                {
                    run.LogText($"at {i}");
                }
            }
        }

        var store = new RunStore(home.Path);
        var sink = new DiskFullAfterOneDeliveryRecordSink();
        var logger = new CollectingLogger();

        Assert.Throws<IOException>(() => SinkReplay.Replay(store, runId, sink, batchSize: 300, logger: logger));

        Assert.Equal(3001, Assert.Single(logger.Entries).Id.Id);
        var afterFirst = sink.ReadCursor(runId).Sequence;
        Assert.InRange(sink.Stored.Count, 300, 300 + 128);
        Assert.Equal((ulong)sink.Stored.Count, afterFirst);

        sink.DiskFull = false;
        var resumed = SinkReplay.Replay(store, runId, sink, batchSize: 300);

        var all = store.ReadEvents(runId).Select(e => e.Sequence).ToList();
        Assert.Equal(all.Count - (long)afterFirst, resumed.Delivered);
        Assert.Equal(all, sink.Stored);
    }

    /// <summary>A record sink whose disk fills up after its first delivery; it keeps the sequence numbers it stored.</summary>
    private sealed class DiskFullAfterOneDeliveryRecordSink : ILogRecordSink
    {
        private ulong _cursor;

        public bool DiskFull { get; set; } = true;

        public List<ulong> Stored { get; } = [];

        public SinkCursor ReadCursor(string runId) => new(_cursor);

        public void Deliver(string runId, IReadOnlyList<Event> events, SinkCursor cursor) => throw new InvalidOperationException("records only");

        public long DeliverRecords(string runId, IReadOnlyList<LogRecord> records, IReadOnlyDictionary<uint, Event> metrics, SinkCursor cursor)
        {
            if (DiskFull && Stored.Count > 0)
            {
                throw new IOException("No space left on device");
            }

            var before = Stored.Count;
            foreach (var (record, _, _) in records)
            {
                if (record.BodyCase == Repro.Events.Record.BodyOneofCase.Scalars)
                {
                    Stored.AddRange(Enumerable.Range(0, record.Scalars.Values.Count).Select(i => record.Scalars.FirstSequence + (ulong)i).Where(s => s > _cursor));
                }
                else if (record.Event.Sequence > _cursor)
                {
                    Stored.Add(record.Event.Sequence);
                }
            }

            _cursor = cursor.Sequence;
            return Stored.Count - before;
        }

        public void Dispose()
        {
        }
    }

    /// <summary>A user's sink whose disk fills up after the first batch.</summary>
    private sealed class DiskFullAfterOneBatchSink : IEventSink
    {
        private ulong _cursor;

        public bool DiskFull { get; set; } = true;

        public List<Event> Stored { get; } = [];

        public SinkCursor ReadCursor(string runId) => new(_cursor);

        public void Deliver(string runId, IReadOnlyList<Event> events, SinkCursor cursor)
        {
            if (DiskFull && Stored.Count > 0)
            {
                throw new IOException("No space left on device");
            }

            Stored.AddRange(events.Where(e => e.Sequence > _cursor));
            _cursor = cursor.Sequence;
        }

        public void Dispose()
        {
        }
    }

    private sealed class CollectingLogger : ILogger
    {
        public List<(EventId Id, LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId, logLevel, formatter(state, exception)));
    }
}
