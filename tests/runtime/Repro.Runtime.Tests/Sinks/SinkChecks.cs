using System.Text.Json;
using Repro.Sinks;
using Repro.Storage;

namespace Repro.Runtime.Tests.Sinks;

/// <summary>Replays a run into both sinks twice — the second time with their cursors lost — and counts what they hold.</summary>
internal static class SinkChecks
{
    public static void ReplayTwiceAndAssertEachEventOnce(RunStore store, string runId, string workDirectory, int expectedEvents)
    {
        var jsonl = Path.Combine(workDirectory, "events.jsonl");
        var index = Path.Combine(workDirectory, "index.db");
        for (var pass = 0; pass < 2; pass++)
        {
            if (pass == 1)
            {
                // Forget the cursors: delivery starts over, as after a crash before the cursor was saved.
                File.Delete(jsonl + ".cursors.json");
                using var forget = new SqliteIndexSink(index);
                forget.QueryScalar("DELETE FROM sink_cursors;");
            }

            using (var sink = new JsonLinesSink(jsonl))
            {
                SinkReplay.Replay(store, runId, sink);
            }

            using (var sink = new SqliteIndexSink(index))
            {
                SinkReplay.Replay(store, runId, sink);
            }
        }

        var ids = File.ReadLines(jsonl).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("eventId").GetString()).ToList();
        Assert.Equal(expectedEvents, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        using var check = new SqliteIndexSink(index);
        Assert.Equal((long)expectedEvents, IndexChecks.StoredCount(check, runId));
        IndexChecks.AssertHoldsTheLog(check, store, runId);
    }
}
