namespace Repro.Runs;

/// <summary>What recovering a run whose writer died found in its WAL, and what recovery did about it.</summary>
/// <param name="RecoveredAt">When recovery first ran (UTC). A recovery that is itself interrupted keeps this first evidence.</param>
/// <param name="TruncatedBytes">Bytes of torn tail cut from the last segment (0 when the log ended cleanly).</param>
/// <param name="Problems">Each damaged stretch, with file and offset, in log order.</param>
/// <param name="ClosedIntervals">
/// Summarised metrics whose interval was still open at the crash: the summary flushed last (marked
/// <c>interval_open</c>) was appended again as the interval's final summary.
/// </param>
/// <param name="Outcome">
/// How the run ended according to its log: <c>crashed</c> (no end event; recovery appended one), or
/// <c>finished</c>/<c>failed</c> when the end event was written but the manifest was not.
/// </param>
public sealed record RunRecoveryReport(
    DateTimeOffset RecoveredAt,
    long TruncatedBytes,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string>? ClosedIntervals = null,
    string? Outcome = null);
