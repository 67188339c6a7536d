namespace Repro.Alerts;

/// <summary>An alert, as <see cref="RunOptions.OnAlert"/> receives it.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Rule">The rule that fired, in words.</param>
/// <param name="Kind">not_finite, above, below, spike, stall, failed or out_of_memory.</param>
/// <param name="Metric">The metric, or null for rules on the whole run.</param>
/// <param name="Step">The step of the value that fired it (for stall, the last step seen).</param>
/// <param name="Value">The value that fired it; for stall, the seconds without a new step.</param>
/// <param name="Threshold">The threshold crossed.</param>
/// <param name="Message">What happened, in one sentence.</param>
/// <param name="Sequence">The alert event's sequence number in the run's log.</param>
public sealed record AlertFired(string RunId, string Rule, string Kind, string? Metric, long Step, double Value, double Threshold, string Message, ulong Sequence);
