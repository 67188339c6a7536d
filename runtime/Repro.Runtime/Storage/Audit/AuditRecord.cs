namespace Repro.Storage.Audit;

/// <summary>
/// One administrative action in a home's audit log: who did what, when, why and to which runs, chained to the record
/// before it by that record's SHA-256.
/// </summary>
/// <param name="Sequence">Its place in the log, from 1 without gaps.</param>
/// <param name="Time">When it was appended (UTC, ISO 8601 with milliseconds).</param>
/// <param name="User">The operating-system user who ran it.</param>
/// <param name="Host">The machine it ran on.</param>
/// <param name="Action">What was done (for example <c>index rebuild</c>, <c>runs delete</c>).</param>
/// <param name="Reason">Why, as the user gave it (<c>--reason</c>); empty when none was given.</param>
/// <param name="Runs">The runs it touched, in the order given.</param>
/// <param name="Details">What else it touched or found, by name (sorted by name when written).</param>
/// <param name="Previous">The SHA-256 (hex) of the record before it; 64 zeros for the first.</param>
/// <param name="Hash">The SHA-256 (hex) of this record's line up to and without its hash.</param>
public sealed record AuditRecord(
    long Sequence,
    string Time,
    string User,
    string Host,
    string Action,
    string Reason,
    IReadOnlyList<string> Runs,
    IReadOnlyDictionary<string, string> Details,
    string Previous,
    string Hash);

/// <summary>What <see cref="AuditLog.Verify"/> found: the records it read, and every break in the chain.</summary>
/// <param name="Records">Records read (including damaged ones that still parsed).</param>
/// <param name="Problems">Each break, naming its line: altered, removed, reordered or unreadable records.</param>
/// <param name="Head">The hash of the last record, which a user can keep elsewhere to detect a cut-off tail later.</param>
public sealed record AuditVerification(long Records, IReadOnlyList<string> Problems, string Head)
{
    /// <summary>Whether the chain is whole.</summary>
    public bool Intact => Problems.Count == 0;
}
