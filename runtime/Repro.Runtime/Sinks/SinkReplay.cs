using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Repro.Diagnostics;
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
    /// <param name="logger">Where damage found in the WAL and sink failures are reported; none by default.</param>
    /// <exception cref="Exception">Whatever the sink throws, after it is logged; the cursor keeps the last stored batch.</exception>
    public static SinkReplayResult Replay(RunStore store, string runId, IEventSink sink, int batchSize = 10_000, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var problems = new List<WalCorruption>();
        var cursor = sink.ReadCursor(runId);
        void Report(WalCorruption problem)
        {
            problems.Add(problem);
            ReproLog.ReplayDamage(logger, runId, problem);
        }

        var batch = new List<Events.Event>(Math.Min(batchSize, 100_000));
        long delivered = 0;
        try
        {
            foreach (var evt in store.ReadEvents(runId, Report))
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
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
        {
            ReproLog.SinkFailed(logger, e, sink.ToString() ?? sink.GetType().Name, runId, cursor);
            throw;
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
