using System.Collections;
using Repro.Wal;

namespace Repro.Events;

/// <summary>
/// A run's events read back from its WAL (see <see cref="WalEventReader"/>), which can say after any
/// event where a later read may resume: the record that holds that event, with the metric declarations
/// and segment header a reader needs from that point on.
/// </summary>
/// <remarks>Enumerate it once; each enumeration reads the log again from the same starting point.</remarks>
public sealed class WalEventSequence : IEnumerable<Event>
{
    private readonly WalRecordSequence _records;

    internal WalEventSequence(string walDirectory, Action<WalCorruption>? onCorruption, ulong? expectedLastSequence, ReplayCheckpoint? resumeAt)
    {
        _records = new WalRecordSequence(walDirectory, onCorruption, expectedLastSequence, resumeAt);
    }

    /// <summary>Whether the read started at the checkpoint it was given (false: from the start of the log).</summary>
    public bool Resumed => _records.Resumed;

    /// <summary>
    /// Where to resume after the last event returned so far: its record, which a resumed read returns
    /// again (skip by sequence); null before the first event.
    /// </summary>
    public ReplayCheckpoint? Checkpoint() => _records.Checkpoint();

    /// <inheritdoc />
    public IEnumerator<Event> GetEnumerator() => WalEventReader.Expand(_records, () => _records.Metrics, () => _records.RunId, () => _records.Source).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
