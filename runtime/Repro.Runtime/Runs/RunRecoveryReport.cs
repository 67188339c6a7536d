namespace Repro.Runs;

/// <summary>What recovering a crashed run found in its WAL.</summary>
/// <param name="RecoveredAt">When recovery ran (UTC).</param>
/// <param name="TruncatedBytes">Bytes of torn tail cut from the last segment (0 when the log ended cleanly).</param>
/// <param name="Problems">Each damaged stretch, with file and offset, in log order.</param>
public sealed record RunRecoveryReport(DateTimeOffset RecoveredAt, long TruncatedBytes, IReadOnlyList<string> Problems);
