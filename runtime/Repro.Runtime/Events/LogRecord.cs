namespace Repro.Events;

/// <summary>
/// One record of a run's log as readers see it: an event (its run id and source filled in from the segment header)
/// or a batch of scalars, with where it was read from, for damage reports.
/// </summary>
/// <param name="Record">The record: <see cref="Record.BodyOneofCase.Event"/> or <see cref="Record.BodyOneofCase.Scalars"/>.</param>
/// <param name="Location">The file (a WAL segment) or table it was read from.</param>
/// <param name="Offset">Its byte offset in the segment; for a table, its first sequence number.</param>
public readonly record struct LogRecord(Record Record, string Location, long Offset);
