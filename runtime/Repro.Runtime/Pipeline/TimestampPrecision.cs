namespace Repro.Pipeline;

/// <summary>How a logged scalar gets its time.</summary>
public enum TimestampPrecision
{
    /// <summary>
    /// From a clock the writer refreshes continuously while busy and at least every
    /// <see cref="EventPipelineOptions.IdleWait"/> otherwise: accurate to about a millisecond, and
    /// free on the logging path. Order is always exact: it comes from sequence numbers.
    /// </summary>
    Coarse,

    /// <summary>Reads the clock for every scalar: nanosecond resolution, about 25 ns more per call.</summary>
    Precise,
}
