using Repro.Events;

namespace Repro.Sinks;

/// <summary>
/// A destination for a run's events, fed from the WAL. Delivery is at least once: after a crash,
/// events past the persisted cursor are delivered again, so a sink must store each event id once.
/// </summary>
public interface IEventSink : IDisposable
{
    /// <summary>The sequence number of the last event of <paramref name="runId"/> this sink has stored; 0 for none.</summary>
    ulong ReadCursor(string runId);

    /// <summary>
    /// Stores <paramref name="events"/> (in sequence order), skipping any event id already stored,
    /// then persists <paramref name="cursor"/> for the run.
    /// </summary>
    void Deliver(string runId, IReadOnlyList<Event> events, ulong cursor);
}
