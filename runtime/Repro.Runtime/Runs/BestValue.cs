namespace Repro.Runs;

/// <summary>The best value a metric with a goal reached in a run, and the step where it first did.</summary>
/// <param name="Value">The best value (NaN never counts).</param>
/// <param name="Step">The first step at which it was reached.</param>
/// <param name="Goal">"minimize" or "maximize".</param>
public sealed record BestValue(double Value, long Step, string Goal);
