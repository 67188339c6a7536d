namespace Repro.Storage.Maintenance;

/// <summary>A run in the home's trash: what <c>runs delete</c> recorded beside it.</summary>
/// <param name="RunId">The run's id.</param>
/// <param name="Name">The run's name, from its manifest (empty when unreadable).</param>
/// <param name="DeletedAt">When it was moved to the trash.</param>
/// <param name="User">Who moved it.</param>
/// <param name="Host">On which machine.</param>
/// <param name="Reason">Why (redacted).</param>
/// <param name="Bytes">The size of its folder.</param>
public sealed record TrashedRun(string RunId, string Name, DateTimeOffset DeletedAt, string User, string Host, string Reason, long Bytes);
