using System.Globalization;
using Repro.Runs;
using Repro.Storage;

namespace Repro.Comparison;

/// <summary>
/// What <c>repro diff</c> found between two runs: the recorded differences part by part, every metric's streams
/// compared, one verdict, and the differences that can explain a divergence, most likely first.
/// </summary>
public sealed record RunDiff
{
    /// <summary>Run A's manifest.</summary>
    public required RunManifest A { get; init; }

    /// <summary>Run B's manifest.</summary>
    public required RunManifest B { get; init; }

    /// <summary>Recorded differences by part, in the order they most often explain a divergence.</summary>
    public required IReadOnlyList<DifferenceSection> Sections { get; init; }

    /// <summary>Every metric both runs logged, by name.</summary>
    public required IReadOnlyList<MetricComparison> Metrics { get; init; }

    /// <summary>Metrics only run A logged.</summary>
    public required IReadOnlyList<string> OnlyInA { get; init; }

    /// <summary>Metrics only run B logged.</summary>
    public required IReadOnlyList<string> OnlyInB { get; init; }

    /// <summary>
    /// Metrics that either run holds only as downsampled buckets (<c>repro gc</c>), as "name (downsampled in a|b|both)":
    /// their raw values are gone, so they are not compared value by value and the runs are not called identical.
    /// </summary>
    public IReadOnlyList<string> NotCompared { get; init; } = [];

    /// <summary>Damage found in either log while reading it ("a: …", "b: …"); those records were not compared.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>Whether every metric both runs logged is bit-identical and neither logged a metric the other did not.</summary>
    public bool Identical => Metrics.All(m => m.Identical) && OnlyInA.Count == 0 && OnlyInB.Count == 0 && NotCompared.Count == 0;

    /// <summary>The metric that diverges first (earliest step; ties by name), or null when none does.</summary>
    public MetricComparison? FirstDivergence =>
        Metrics.Where(m => !m.Identical).OrderBy(m => m.FirstDifferentStep).ThenBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>
    /// The verdict line: <c>identical through step N</c>, or <c>diverge at step N (metric)</c>, or, when the runs
    /// share no metric or log different ones, which.
    /// </summary>
    public string Verdict
    {
        get
        {
            if (FirstDivergence is { } first)
            {
                return string.Create(CultureInfo.InvariantCulture, $"diverge at step {first.FirstDifferentStep} ({first.Name})");
            }

            if (OnlyInA.Count > 0 || OnlyInB.Count > 0)
            {
                var only = OnlyInA.Select(m => $"{m} only in a").Concat(OnlyInB.Select(m => $"{m} only in b"));
                return $"diverge: the runs logged different metrics ({string.Join(", ", only)})";
            }

            if (NotCompared.Count > 0)
            {
                var through = Metrics.Count == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"; the other metrics are identical through step {Metrics.Max(m => m.LastComparedStep ?? 0)}");
                return $"cannot tell: {string.Join(", ", NotCompared)} not compared value by value{through}";
            }

            return Metrics.Count == 0
                ? "identical: neither run logged a metric"
                : string.Create(CultureInfo.InvariantCulture, $"identical through step {Metrics.Max(m => m.LastComparedStep ?? 0)}");
        }
    }

    /// <summary>
    /// For diverging runs, the recorded differences that can explain it, most likely first (seeds, hyperparameters,
    /// data, code, packages, determinism switches, machine); when none was recorded, what remains. Empty when identical.
    /// </summary>
    public IReadOnlyList<string> Explanations
    {
        get
        {
            if (Identical || (FirstDivergence is null && OnlyInA.Count == 0 && OnlyInB.Count == 0))
            {
                return []; // identical, or nothing found to explain (only downsampled metrics left uncompared)
            }

            var reasons = new List<string>();
            foreach (var section in Sections.Where(s => s.Differences.Count > 0 && s.Name != "environment"))
            {
                reasons.Add($"{section.Name}: {Describe(section.Differences)}");
            }

            // The machine explains a divergence only through what it changes; host names and memory sizes rarely do.
            var machine = Sections.First(s => s.Name == "environment").Differences.Where(d => d.Field is not ("host" or "memory" or "container")).ToList();
            if (machine.Count > 0)
            {
                reasons.Add($"environment: {Describe(machine)}");
            }

            if (reasons.Count == 0)
            {
                reasons.Add("no recorded difference explains it: the same inputs gave different results, so something in the program is not deterministic "
                    + "(unseeded randomness, a nondeterministic kernel, thread timing) or it reads an input Repro does not record");
                reasons.AddRange(A.Determinism?.Warnings.Concat(A.Warnings).Distinct(StringComparer.Ordinal).Select(w => $"a warned: {w}") ?? []);
                reasons.AddRange(B.Determinism?.Warnings.Concat(B.Warnings).Distinct(StringComparer.Ordinal).Select(w => $"b warned: {w}") ?? []);
            }

            return reasons;
        }
    }

    private static string Describe(IReadOnlyList<Difference> differences)
    {
        var shown = differences.Take(3).Select(d => $"{d.Field} {d.A ?? "(none)"} → {d.B ?? "(none)"}");
        return string.Join("; ", shown) + (differences.Count > 3 ? string.Create(CultureInfo.InvariantCulture, $"; and {differences.Count - 3} more") : string.Empty);
    }

    /// <summary>Compares two runs of <paramref name="store"/> (the local home or a central store): their records, and every metric's stream value by value.</summary>
    /// <exception cref="RunNotFoundException">A run is not stored here.</exception>
    public static RunDiff Compare(IRunReader store, string runA, string runB)
    {
        ArgumentNullException.ThrowIfNull(store);
        var a = store.GetRun(runA);
        var b = store.GetRun(runB);
        var problems = new List<string>();
        var (metrics, onlyA, onlyB, notCompared) = MetricComparer.Compare(
            onCorruption => store.ReadRecords(a.RunId, onCorruption),
            onCorruption => store.ReadRecords(b.RunId, onCorruption),
            (side, problem) => problems.Add($"{side}: {problem}"));
        return new RunDiff
        {
            A = a,
            B = b,
            Sections = RecordComparer.Compare(a, b, PatchComparison.TryCompare(a, b)),
            Metrics = metrics,
            OnlyInA = onlyA,
            OnlyInB = onlyB,
            NotCompared = notCompared,
            Problems = problems,
        };
    }
}
