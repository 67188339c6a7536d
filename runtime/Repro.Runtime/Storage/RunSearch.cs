using System.Globalization;
using Repro.Runs;

namespace Repro.Storage;

/// <summary>How a hyperparameter condition compares.</summary>
public enum ComparisonOperator
{
    /// <summary><c>=</c> (or <c>==</c>).</summary>
    Equal,

    /// <summary><c>!=</c>.</summary>
    NotEqual,

    /// <summary><c>&lt;</c>.</summary>
    Less,

    /// <summary><c>&lt;=</c>.</summary>
    LessOrEqual,

    /// <summary><c>&gt;</c>.</summary>
    Greater,

    /// <summary><c>&gt;=</c>.</summary>
    GreaterOrEqual,
}

/// <summary>
/// One condition on a hyperparameter, such as <c>learning_rate &gt;= 0.01</c> or <c>optimizer = "adam"</c>. A number
/// compares numerically with hyperparameters that are numbers; a quoted value, or one that is not a number, compares
/// as text (ordinal). Nested configuration is named by dotted paths (<c>optimizer.beta1</c>). A run without the
/// hyperparameter never matches, whatever the operator.
/// </summary>
/// <param name="Path">The hyperparameter's dotted path.</param>
/// <param name="Operator">The comparison.</param>
/// <param name="Text">The value as text (quotes removed).</param>
/// <param name="Number">The value as a number, when it is one and was not quoted.</param>
public sealed record ParameterCondition(string Path, ComparisonOperator Operator, string Text, double? Number)
{
    private static readonly (string Symbol, ComparisonOperator Operator)[] Operators =
    [
        ("<=", ComparisonOperator.LessOrEqual), (">=", ComparisonOperator.GreaterOrEqual), ("!=", ComparisonOperator.NotEqual),
        ("==", ComparisonOperator.Equal), ("<", ComparisonOperator.Less), (">", ComparisonOperator.Greater), ("=", ComparisonOperator.Equal),
    ];

    /// <summary>Parses <c>name op value</c>; spaces around the operator are optional.</summary>
    /// <exception cref="FormatException">The text is not a condition; the message shows the expected form.</exception>
    public static ParameterCondition Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = -1;
        var symbol = string.Empty;
        var op = ComparisonOperator.Equal;
        foreach (var (candidate, kind) in Operators)
        {
            var index = text.IndexOf(candidate, StringComparison.Ordinal);
            // The leftmost operator wins; at one position the two-character form is tried first.
            if (index > 0 && (at < 0 || index < at))
            {
                (at, symbol, op) = (index, candidate, kind);
            }
        }

        var path = at > 0 ? text[..at].Trim() : string.Empty;
        var value = at > 0 ? text[(at + symbol.Length)..].Trim() : string.Empty;
        if (path.Length == 0 || value.Length == 0 || path.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or '=' or '!' or '"' or '\''))
        {
            throw new FormatException($"'{text}' is not a condition: write NAME OP VALUE, with OP one of = != < <= > >= (for example \"learning_rate >= 0.01\" or \"optimizer = adam\").");
        }

        if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
        {
            return new ParameterCondition(path, op, value[1..^1], null);
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? new ParameterCondition(path, op, value, number)
            : new ParameterCondition(path, op, value, null);
    }

    /// <summary>The SQL operator.</summary>
    internal string SqlOperator => Operator switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "<>",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        _ => ">=",
    };
}

/// <summary>Which value of a metric runs are sorted by.</summary>
public enum MetricSortValue
{
    /// <summary>The best value when the metric has a goal, else the last.</summary>
    Automatic,

    /// <summary>The best value (metrics with a goal only); best first.</summary>
    Best,

    /// <summary>The last value logged; ascending.</summary>
    Last,
}

/// <summary>Sorting runs by a metric.</summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="Value">Best or last value.</param>
/// <param name="Reverse">Reverse the natural order (best first; ascending for last values).</param>
public sealed record MetricSort(string Metric, MetricSortValue Value, bool Reverse)
{
    /// <summary>Parses <c>[best:|last:]metric</c>.</summary>
    /// <exception cref="FormatException">The text names no metric.</exception>
    public static MetricSort Parse(string text, bool reverse = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var (value, metric) = trimmed switch
        {
            _ when trimmed.StartsWith("best:", StringComparison.OrdinalIgnoreCase) => (MetricSortValue.Best, trimmed[5..]),
            _ when trimmed.StartsWith("last:", StringComparison.OrdinalIgnoreCase) => (MetricSortValue.Last, trimmed[5..]),
            _ => (MetricSortValue.Automatic, trimmed),
        };
        return metric.Length == 0
            ? throw new FormatException($"'{text}' names no metric: write METRIC, best:METRIC or last:METRIC (for example best:loss).")
            : new MetricSort(metric, value, reverse);
    }
}

/// <summary>What <c>repro runs list</c> asks the index; every filter given must hold.</summary>
public sealed record RunSearch
{
    /// <summary>The run's name: exact, or a pattern with <c>*</c> and <c>?</c>.</summary>
    public string? Name { get; init; }

    /// <summary>Any of these statuses; all when empty.</summary>
    public IReadOnlyList<RunStatus> Statuses { get; init; } = [];

    /// <summary>Tags the run must carry: a key with a value, or a key with any value (null).</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> Tags { get; init; } = [];

    /// <summary>Started at or after this moment.</summary>
    public DateTimeOffset? StartedAfter { get; init; }

    /// <summary>Started before this moment.</summary>
    public DateTimeOffset? StartedBefore { get; init; }

    /// <summary>Built from a commit that starts with this (any case).</summary>
    public string? Commit { get; init; }

    /// <summary>Conditions on hyperparameters.</summary>
    public IReadOnlyList<ParameterCondition> Where { get; init; } = [];

    /// <summary>Sort by a metric; newest first when null.</summary>
    public MetricSort? Sort { get; init; }

    /// <summary>At most this many runs; all when null.</summary>
    public int? Limit { get; init; }
}

/// <summary>One run a search found: its manifest and, when sorting by a metric, the value it was sorted by.</summary>
public sealed class RunSearchHit
{
    private RunManifest? _manifest;

    /// <summary>A hit whose manifest is parsed from <paramref name="manifestJson"/> when first asked for.</summary>
    /// <param name="manifestJson">The manifest as indexed (the format of manifest.json).</param>
    /// <param name="sortValue">The metric value it was sorted by; null when it has none or there is no sort.</param>
    /// <param name="source">Where the JSON came from, for the error a damaged row gives.</param>
    /// <param name="status">The run's status as indexed.</param>
    public RunSearchHit(string manifestJson, double? sortValue, string source, RunStatus status)
    {
        ManifestJson = manifestJson;
        Status = status;
        SortValue = sortValue;
        Source = source;
    }

    /// <summary>The manifest as indexed, as JSON: scripts that list many runs need not parse and write it again.</summary>
    public string ManifestJson { get; }

    /// <summary>The metric value the run was sorted by; null when it has none or there is no sort.</summary>
    public double? SortValue { get; }

    /// <summary>The run's status as indexed (without parsing the manifest).</summary>
    public RunStatus Status { get; }

    private string Source { get; }

    /// <summary>The run's manifest as indexed.</summary>
    /// <exception cref="InvalidDataException">The indexed JSON is not a manifest.</exception>
    public RunManifest Manifest => _manifest ??= RunManifestJson.Deserialize(ManifestJson, Source);
}
