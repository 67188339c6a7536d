namespace Repro.Runs;

/// <summary>
/// What a run could observe about its own determinism: seeds, thread counts, precision switches, environment
/// variables that native libraries read at start, device availability. Written into the manifest so that two runs
/// that diverged can be compared setting by setting. Keys are dotted names (<c>torch.num_threads</c>), values
/// invariant text; <see cref="Warnings"/> says what makes this run unrepeatable.
/// </summary>
public sealed record DeterminismReport
{
    /// <summary>Observed settings by name, sorted ordinally.</summary>
    public IReadOnlyDictionary<string, string> Facts { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Problems that make the run nondeterministic, each a sentence that names the fix.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>A report from <paramref name="facts"/> (any order; stored sorted) and <paramref name="warnings"/>.</summary>
    /// <exception cref="ArgumentException">A key is empty or a value is null.</exception>
    public static DeterminismReport Create(IEnumerable<KeyValuePair<string, string>> facts, IEnumerable<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(warnings);
        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in facts)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(key);
            sorted[key] = value ?? throw new ArgumentException($"Determinism fact '{key}' has no value.", nameof(facts));
        }

        return new DeterminismReport { Facts = sorted, Warnings = warnings.ToArray() };
    }
}
