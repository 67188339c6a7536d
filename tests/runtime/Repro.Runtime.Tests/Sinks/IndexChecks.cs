using Repro.Events;
using Repro.Sinks;
using Repro.Storage;

namespace Repro.Runtime.Tests.Sinks;

/// <summary>What the SQLite index holds, compared with what a run's log holds.</summary>
internal static class IndexChecks
{
    /// <summary>Event rows plus the scalars in chunk rows, for one run or (no run) all.</summary>
    public static long StoredCount(SqliteIndexSink index, string? runId = null) => runId is null
        ? (long)index.QueryScalar("SELECT (SELECT count(*) FROM events) + (SELECT coalesce(sum(count), 0) FROM scalar_chunks);")!
        : (long)index.QueryScalar("SELECT (SELECT count(*) FROM events WHERE run_id = $run) + (SELECT coalesce(sum(count), 0) FROM scalar_chunks WHERE run_id = $run);", ("$run", runId))!;

    /// <summary>
    /// The index holds exactly the run's log: each event that is not a scalar once (by id and sequence), and each
    /// metric's scalars once, in order, with their sequence, step, time and every bit of their value.
    /// </summary>
    public static void AssertHoldsTheLog(SqliteIndexSink index, RunStore store, string runId)
    {
        var events = store.ReadEvents(runId).ToList();
        var others = events.Where(e => e.ValueCase != Event.ValueOneofCase.Scalar).ToList();
        Assert.Equal((long)others.Count, index.QueryScalar("SELECT count(*) FROM events WHERE run_id = $run;", ("$run", runId)));
        foreach (var evt in others)
        {
            Assert.Equal((long)evt.Sequence, index.QueryScalar("SELECT sequence FROM events WHERE event_id = $id;", ("$id", evt.EventId.ToByteArray())));
        }

        var scalars = events.Where(e => e.ValueCase == Event.ValueOneofCase.Scalar).GroupBy(e => e.Name, StringComparer.Ordinal).ToList();
        Assert.Equal((long)scalars.Count, index.QueryScalar("SELECT count(DISTINCT name) FROM scalar_chunks WHERE run_id = $run;", ("$run", runId)));
        foreach (var metric in scalars)
        {
            var expected = metric.Select(e => (e.Sequence, e.Step, e.TimestampUnixNanos, BitConverter.DoubleToInt64Bits(e.Scalar.Value), e.Scalar.HasIntValue ? e.Scalar.IntValue : (long?)null)).ToList();
            var actual = index.ReadScalars(runId, metric.Key).Select(s => (s.Sequence, s.Step, s.TimestampUnixNanos, BitConverter.DoubleToInt64Bits(s.Value), s.IntValue)).ToList();
            Assert.Equal(expected, actual);
        }
    }
}
