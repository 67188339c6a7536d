using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Repro.Diagnostics;
using Repro.Events;
using Repro.Storage;
using Repro.Wal;

namespace Repro.Sinks;

/// <summary>What one replay delivered.</summary>
/// <param name="Delivered">Events handed to the sink (past its cursor).</param>
/// <param name="Cursor">The sink's cursor afterwards.</param>
/// <param name="Problems">Damage found in the WAL on the way (those records were skipped).</param>
/// <param name="Resumed">Whether reading started at the sink's stored resume point rather than at the start of the log.</param>
public sealed record SinkReplayResult(long Delivered, ulong Cursor, IReadOnlyList<WalCorruption> Problems, bool Resumed = false);

/// <summary>
/// Feeds a run's WAL to a sink from the sink's own cursor onward, in batches. The log is read from the
/// resume point stored with the cursor, so bringing a sink up to date costs the events added since,
/// not the length of the run.
/// </summary>
public static class SinkReplay
{
    /// <summary>Events per delivery to a sink that takes events, unless the caller says otherwise.</summary>
    public const int EventDeliverySize = 10_000;

    /// <summary>
    /// Events and scalars per delivery to an <see cref="ILogRecordSink"/>, unless the caller says otherwise: about
    /// 7 MB of columns, so that a sink's commit costs little per scalar while a reader fills the next delivery.
    /// </summary>
    public const int RecordDeliveryScalars = 1 << 18;

    /// <summary>
    /// Delivers every event of <paramref name="runId"/> past the sink's cursor: as record batches, scalars in
    /// columns, to an <see cref="ILogRecordSink"/>; as events to any other sink.
    /// </summary>
    /// <param name="store">The Repro home.</param>
    /// <param name="runId">The run.</param>
    /// <param name="sink">The destination.</param>
    /// <param name="batchSize">
    /// Events per delivery (and cursor update); for an <see cref="ILogRecordSink"/>, events and scalars per delivery,
    /// whole records at a time. Null: <see cref="EventDeliverySize"/> or <see cref="RecordDeliveryScalars"/>.
    /// </param>
    /// <param name="logger">Where damage found in the WAL and sink failures are reported; none by default.</param>
    /// <exception cref="Exception">Whatever the sink throws, after it is logged; the cursor keeps the last stored batch.</exception>
    public static SinkReplayResult Replay(RunStore store, string runId, IEventSink sink, int? batchSize = null, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(sink);
        if (batchSize is { } size)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        }

        return sink is ILogRecordSink records
            ? ReplayRecords(store, runId, records, batchSize ?? RecordDeliveryScalars, logger)
            : ReplayEvents(store, runId, sink, batchSize ?? EventDeliverySize, logger);
    }

    private static SinkReplayResult ReplayEvents(RunStore store, string runId, IEventSink sink, int batchSize, ILogger logger)
    {
        var problems = new DamageReport(logger, runId);
        var stored = sink.ReadCursor(runId);
        var cursor = stored.Sequence;
        var batch = new List<Event>(Math.Min(batchSize, 100_000));
        long delivered = 0;
        var stream = store.ReadEventsFrom(runId, ParseCheckpoint(stored.ResumeAt), problems.Add);
        try
        {
            foreach (var evt in stream)
            {
                if (evt.Sequence <= cursor)
                {
                    continue;
                }

                batch.Add(evt);
                if (batch.Count == batchSize)
                {
                    cursor = Deliver(sink, runId, batch, stream, ref delivered);
                }
            }

            if (batch.Count > 0)
            {
                cursor = Deliver(sink, runId, batch, stream, ref delivered);
            }
        }
        catch (Exception e) when (IsSinkFailure(e))
        {
            ReproLog.SinkFailed(logger, e, sink.ToString() ?? sink.GetType().Name, runId, cursor);
            throw;
        }

        return new SinkReplayResult(delivered, cursor, problems.Found, stream.Resumed);
    }

    /// <summary>Feeds the sink parts of the log read ahead on a second thread (<see cref="LogReadAhead"/>).</summary>
    private static SinkReplayResult ReplayRecords(RunStore store, string runId, ILogRecordSink sink, int batchSize, ILogger logger)
    {
        var problems = new DamageReport(logger, runId);
        var stored = sink.ReadCursor(runId);
        var cursor = stored.Sequence;
        var log = store.ReadRecordsFrom(runId, ParseCheckpoint(stored.ResumeAt), problems.Add);
        long delivered = 0;
        try
        {
            foreach (var part in LogReadAhead.Parts(log, cursor, batchSize))
            {
                delivered += sink.DeliverRecords(runId, part.Records, part.Metrics, new SinkCursor(part.LastSequence, part.Checkpoint?.ToByteArray()));
                cursor = part.LastSequence;
            }
        }
        catch (Exception e) when (IsSinkFailure(e))
        {
            ReproLog.SinkFailed(logger, e, sink.ToString() ?? sink.GetType().Name, runId, cursor);
            throw;
        }

        return new SinkReplayResult(delivered, cursor, problems.Found, log.Resumed);
    }

    private static bool IsSinkFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException;

    /// <summary>Damage found in the log on the way: kept for the result and logged as found (from the reading thread, when the log is read ahead).</summary>
    private sealed class DamageReport(ILogger logger, string runId)
    {
        private readonly List<WalCorruption> _found = [];

        public IReadOnlyList<WalCorruption> Found
        {
            get
            {
                lock (_found)
                {
                    return [.. _found];
                }
            }
        }

        public void Add(WalCorruption problem)
        {
            lock (_found)
            {
                _found.Add(problem);
            }

            ReproLog.ReplayDamage(logger, runId, problem);
        }
    }

    /// <summary>A stored resume point, or null when there is none or it cannot be read (then the log is read from its start).</summary>
    internal static ReplayCheckpoint? ParseCheckpoint(byte[]? bytes)
    {
        if (bytes is not { Length: > 0 })
        {
            return null;
        }

        try
        {
            return ReplayCheckpoint.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private static ulong Deliver(IEventSink sink, string runId, List<Event> batch, WalEventSequence stream, ref long delivered)
    {
        var cursor = batch[^1].Sequence;
        sink.Deliver(runId, batch, new SinkCursor(cursor, stream.Checkpoint()?.ToByteArray()));
        delivered += batch.Count;
        batch.Clear();
        return cursor;
    }
}
