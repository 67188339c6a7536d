namespace Repro.Pipeline;

/// <summary>One scalar as the hot path hands it to the writer: fixed size, no references.</summary>
internal struct ScalarEntry
{
    /// <summary><see cref="System.Diagnostics.Stopwatch"/> ticks when the value was logged.</summary>
    public long Timestamp;
    public long Step;
    public double Value;
    public int MetricId;
}
