using Repro.Events;

namespace Repro.Sinks;

/// <summary>
/// A destination for a run's events, fed from the WAL. Delivery is at least once: after a crash,
/// events past the persisted cursor are delivered again, so a sink must store each event id once.
/// </summary>
public interface IEventSink : IDisposable
{
    /// <summary>The last event of <paramref name="runId"/> this sink has stored (sequence 0 for none), and where to resume reading the run's log.</summary>
    SinkCursor ReadCursor(string runId);

    /// <summary>
    /// Stores <paramref name="events"/> (in sequence order), skipping any event id already stored,
    /// then persists <paramref name="cursor"/> for the run, resume point included.
    /// </summary>
    void Deliver(string runId, IReadOnlyList<Event> events, SinkCursor cursor);
}

/// <summary>A sink's position in one run's log.</summary>
/// <param name="Sequence">The sequence number of the last event stored; 0 for none.</param>
/// <param name="ResumeAt">
/// Where a replay can start reading so it does not re-read the whole log: an opaque serialized
/// <see cref="ReplayCheckpoint"/> that the sink stores as it is. Null when unknown; a stale or unusable
/// one only costs a read from the start of the log, never an event.
/// </param>
public readonly record struct SinkCursor(ulong Sequence, byte[]? ResumeAt = null)
{
    /// <summary>No event stored.</summary>
    public static SinkCursor None => default;
}
