namespace Repro.Runs;

/// <summary>The last value a metric was logged with in a run, and its step.</summary>
/// <param name="Value">The value (integers as doubles; NaN when that is what was logged).</param>
/// <param name="Step">The step it was logged at.</param>
public sealed record LastValue(double Value, long Step);
