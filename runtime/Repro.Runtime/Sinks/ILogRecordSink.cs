using Repro.Events;

namespace Repro.Sinks;

/// <summary>
/// A sink that takes a run's log record by record, scalar batches as columns rather than an event object per
/// scalar, so that feeding it costs little more than reading the log. <see cref="SinkReplay"/> feeds a sink that
/// implements it this way, in deliveries of up to <see cref="SinkReplay.RecordDeliveryScalars"/> scalars.
/// </summary>
public interface ILogRecordSink : IEventSink
{
    /// <summary>
    /// Stores the events and scalars of <paramref name="records"/> (in log order) that the sink does not hold yet
    /// (a replay resumed at a record hands that record over again), then persists <paramref name="cursor"/> for the run.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="records">Events and scalar batches in column form, as <see cref="WalRecordSequence"/> reads them.</param>
    /// <param name="metrics">The metric declarations the batches name their metrics by, by metric id.</param>
    /// <param name="cursor">The last event or scalar of <paramref name="records"/>, and where to resume after it.</param>
    /// <returns>The events and scalars stored.</returns>
    long DeliverRecords(string runId, IReadOnlyList<LogRecord> records, IReadOnlyDictionary<uint, Event> metrics, SinkCursor cursor);
}
