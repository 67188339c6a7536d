namespace Repro;

/// <summary>Whether a <see cref="FeatureSet"/> holds a model's inputs or its outputs.</summary>
public enum FeatureKind
{
    /// <summary>Input features: recorded as <c>features/&lt;name&gt;</c>.</summary>
    Input,

    /// <summary>Outputs (scores, confidences, predicted values): recorded as <c>outputs/&lt;name&gt;</c>.</summary>
    Output,
}

/// <summary>
/// Named features whose distribution a run records as t-digest sketches, one per feature per step (no raw value is
/// written): a training or evaluation run records its baseline, a serving run the same names day by day (step =
/// <see cref="DayOf"/>), and <c>repro drift</c> compares the two. Declare a set once (a static field) and call
/// <see cref="Run.LogFeatures"/>; format and measures: <c>docs/drift.md</c>.
/// </summary>
public sealed class FeatureSet
{
    /// <summary>The most features one set may hold.</summary>
    public const int MaxFeatures = 10_000;

    /// <summary>Declares the set.</summary>
    /// <param name="names">The features, in the order their values are logged: ASCII letters, digits, '_', '.', '-' and '/'; distinct.</param>
    /// <param name="kind">Inputs or outputs.</param>
    /// <param name="compression">t-digest compression (10 to 1,000): more centroids, finer distances. Default 100.</param>
    /// <exception cref="ArgumentException">A name is invalid or repeated, or there are none or too many.</exception>
    public FeatureSet(IReadOnlyList<string> names, FeatureKind kind = FeatureKind.Input, double compression = 100)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count is 0 or > MaxFeatures)
        {
            throw new ArgumentException($"A feature set has 1 to {MaxFeatures:N0} features, not {names.Count}.", nameof(names));
        }

        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown feature kind.");
        }

        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Feature '{duplicate.Key}' is named twice.", nameof(names));
        }

        Kind = kind;
        Names = [.. names];
        var options = new MetricOptions { Aggregation = MetricAggregation.Sketch, RecordValues = false, IntervalSteps = 1, SketchCompression = compression };
        Metrics = [.. names.Select(name => new MetricDeclaration(PrefixOf(kind) + name, options: options))];
    }

    /// <summary>The features, in the order their values are logged.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Inputs or outputs.</summary>
    public FeatureKind Kind { get; }

    // One metric per feature, in the order of Names.
    internal MetricDeclaration[] Metrics { get; }

    /// <summary>The prefix of the metrics a kind of feature is recorded as: <c>features/</c> or <c>outputs/</c>.</summary>
    public static string PrefixOf(FeatureKind kind) => kind == FeatureKind.Output ? "outputs/" : "features/";

    /// <summary>The step a serving run logs a value of <paramref name="time"/> at: whole UTC days since 1970-01-01, so each day gets its own sketch.</summary>
    public static long DayOf(DateTimeOffset time) => (long)Math.Floor((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerDay);
}
