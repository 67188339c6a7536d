namespace Repro.Sinks;

/// <summary>One scalar as the SQLite index gives it back (<see cref="SqliteIndexSink.ReadScalars"/>).</summary>
/// <param name="Sequence">Its sequence number in the run's log.</param>
/// <param name="Step">The training step it was logged at.</param>
/// <param name="TimestampUnixNanos">When it was logged, in nanoseconds since the Unix epoch (UTC).</param>
/// <param name="Value">The value, every bit as logged (NaN payloads and -0.0 included); an integer metric's value as a double.</param>
/// <param name="IntValue">An integer metric's exact value; null for other metrics.</param>
public readonly record struct IndexedScalar(ulong Sequence, long Step, long TimestampUnixNanos, double Value, long? IntValue);
