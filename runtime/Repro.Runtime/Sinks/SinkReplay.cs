using Repro.Storage;
using Repro.Wal;

namespace Repro.Sinks;

/// <summary>What one replay delivered.</summary>
/// <param name="Delivered">Events handed to the sink (past its cursor).</param>
/// <param name="Cursor">The sink's cursor afterwards.</param>
/// <param name="Problems">Damage found in the WAL on the way (those records were skipped).</param>
public sealed record SinkReplayResult(long Delivered, ulong Cursor, IReadOnlyList<WalCorruption> Problems);

/// <summary>Feeds a run's WAL to a sink from the sink's own cursor onward, in batches.</summary>
public static class SinkReplay
{
    /// <summary>Delivers every event of <paramref name="runId"/> past the sink's cursor.</summary>
    /// <param name="store">The Repro home.</param>
    /// <param name="runId">The run.</param>
    /// <param name="sink">The destination.</param>
    /// <param name="batchSize">Events per delivery (and cursor update).</param>
    public static SinkReplayResult Replay(RunStore store, string runId, IEventSink sink, int batchSize = 10_000)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var problems = new List<WalCorruption>();
        var cursor = sink.ReadCursor(runId);
        var batch = new List<Events.Event>(Math.Min(batchSize, 100_000));
        long delivered = 0;
        foreach (var evt in store.ReadEvents(runId, problems.Add))
        {
            if (evt.Sequence <= cursor)
            {
                continue;
            }

            batch.Add(evt);
            if (batch.Count == batchSize)
            {
                cursor = Deliver(sink, runId, batch, ref delivered);
            }
        }

        if (batch.Count > 0)
        {
            cursor = Deliver(sink, runId, batch, ref delivered);
        }

        return new SinkReplayResult(delivered, cursor, problems);
    }

    private static ulong Deliver(IEventSink sink, string runId, List<Events.Event> batch, ref long delivered)
    {
        var cursor = batch[^1].Sequence;
        sink.Deliver(runId, batch, cursor);
        delivered += batch.Count;
        batch.Clear();
        return cursor;
    }
}
