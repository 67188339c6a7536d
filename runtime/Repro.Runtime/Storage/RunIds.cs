namespace Repro.Storage;

/// <summary>How what a user types names a run, the same for every store: a whole id, <c>latest</c>, or a unique beginning of one.</summary>
internal static class RunIds
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>The full run id <paramref name="idOrPrefix"/> names among the runs of <paramref name="where"/>.</summary>
    /// <param name="idOrPrefix">What was typed.</param>
    /// <param name="where">The home or store, for messages.</param>
    /// <param name="latest">The newest run id, or null when there are none.</param>
    /// <param name="startingWith">The run ids that begin with an upper-case prefix, in ascending order.</param>
    /// <exception cref="RunNotFoundException">No run matches; the message names <paramref name="where"/>.</exception>
    /// <exception cref="ArgumentException">The prefix matches several runs (they are listed) or cannot start a run id.</exception>
    public static string Resolve(string idOrPrefix, string where, Func<string?> latest, Func<string, IReadOnlyList<string>> startingWith)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idOrPrefix);
        var wanted = idOrPrefix.Trim();
        if (string.Equals(wanted, RunStore.Latest, StringComparison.OrdinalIgnoreCase))
        {
            return latest() ?? throw new RunNotFoundException($"There are no runs in {where}, so there is no latest run.");
        }

        var prefix = wanted.ToUpperInvariant();
        if (prefix.Length > 26 || prefix.Any(c => !Crockford.Contains(c)))
        {
            throw new ArgumentException($"'{wanted}' is not a run id: run ids are 26-character ULIDs such as 01JDQ4Z7Y3M5N8P2R6T9V0W1X2 (a unique beginning of one, or 'latest', will do).", nameof(idOrPrefix));
        }

        var matches = startingWith(prefix);
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new RunNotFoundException(prefix.Length == 26 ? $"No run {prefix} in {where}." : $"No run id in {where} starts with {prefix}."),
            _ => throw new ArgumentException($"'{wanted}' matches {matches.Count} runs in {where} ({string.Join(", ", matches.TakeLast(5).Reverse())}{(matches.Count > 5 ? ", …" : string.Empty)}): type more of the id.", nameof(idOrPrefix)),
        };
    }
}
