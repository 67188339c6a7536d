using System.Collections.ObjectModel;

namespace Repro;

/// <summary>
/// A metric declared once (typically by generated code, in a static field) and then logged many
/// times. Name, unit and tags are validated here, at declaration, so logging never has to.
/// </summary>
public sealed class MetricDeclaration
{
    /// <summary>Longest metric name accepted.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Most tags one metric may carry.</summary>
    public const int MaxTags = 16;

    /// <summary>Longest tag key accepted.</summary>
    public const int MaxTagKeyLength = 64;

    /// <summary>Longest tag value (and unit) accepted.</summary>
    public const int MaxTagValueLength = 256;

    private static readonly IReadOnlyDictionary<string, string> s_noTags = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>());

    // The run this declaration was last bound to and its id there: the hot path's one check.
    private MetricBinding? _binding;

    /// <summary>Declares a metric.</summary>
    /// <param name="name">1 to 128 ASCII letters, digits, '_', '.', '/' and '-'.</param>
    /// <param name="unit">Optional unit, e.g. "s" or "samples/s".</param>
    /// <param name="tags">Optional tags fixed for every value of this metric (at most 16).</param>
    /// <param name="options">Optional sampling and aggregation.</param>
    /// <param name="valueType">The declared type of the values; integer metrics are logged with <see cref="Run.LogInteger"/>.</param>
    /// <exception cref="ArgumentException">A name, unit, tag or option breaks the rules; the message says which.</exception>
    public MetricDeclaration(string name, string? unit = null, IReadOnlyDictionary<string, string>? tags = null, MetricOptions? options = null, MetricValueType valueType = MetricValueType.Double)
    {
        if (!Enum.IsDefined(valueType))
        {
            throw new ArgumentOutOfRangeException(nameof(valueType), valueType, $"Metric '{name}': unknown value type.");
        }

        ValueType = valueType;
        IsInteger = valueType is MetricValueType.Int32 or MetricValueType.Int64;
        ValidateName(name);
        if (unit is not null)
        {
            ValidateText(unit, MaxTagValueLength, "unit", nameof(unit));
        }

        Name = name;
        Unit = string.IsNullOrEmpty(unit) ? null : unit;
        Tags = tags is null || tags.Count == 0 ? s_noTags : ValidateTags(name, tags);
        Options = options ?? MetricOptions.Default;
        MetricOptions.Validate(Options, name);
        EveryNSteps = Options.EveryNSteps;
    }

    /// <summary>Sampling and aggregation.</summary>
    public MetricOptions Options { get; }

    /// <summary>The declared type of the values.</summary>
    public MetricValueType ValueType { get; }

    // Read on the logging path: whether values travel as integer bits.
    internal bool IsInteger { get; }

    // Copied out of Options so the logging path reads one field of this object.
    internal int EveryNSteps { get; }

    /// <summary>The metric's name.</summary>
    public string Name { get; }

    /// <summary>The unit, or null.</summary>
    public string? Unit { get; }

    /// <summary>The tags, sorted by key (ordinal), with secrets redacted (by key name and by value).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    internal MetricBinding? Binding
    {
        get => Volatile.Read(ref _binding);
        set => Volatile.Write(ref _binding, value);
    }

    internal bool HasSameDefinition(MetricDeclaration other) =>
        Unit == other.Unit
        && Tags.Count == other.Tags.Count
        && Tags.All(t => other.Tags.TryGetValue(t.Key, out var v) && v == t.Value)
        && Options.IsEquivalentTo(other.Options)
        && ValueType == other.ValueType;

    internal string Describe() =>
        $"unit '{Unit ?? "none"}', tags {{{string.Join(", ", Tags.Select(t => t.Key + "=" + t.Value))}}}, aggregation {Options.Aggregation} every {Options.EveryNSteps} step(s)";

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"Metric name '{name[..32]}…' has {name.Length} characters; at most {MaxNameLength} are allowed.", nameof(name));
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-'))
            {
                throw new ArgumentException(
                    $"Metric name '{name}' contains '{c}'; only ASCII letters, digits, '_', '.', '/' and '-' are allowed.", nameof(name));
            }
        }
    }

    private static SortedDictionary<string, string> ValidateTags(string metric, IReadOnlyDictionary<string, string> tags)
    {
        if (tags.Count > MaxTags)
        {
            throw new ArgumentException($"Metric '{metric}' has {tags.Count} tags; at most {MaxTags} are allowed.", nameof(tags));
        }

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxTagKeyLength || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                throw new ArgumentException(
                    $"Metric '{metric}' has tag key '{key}'; keys are 1 to {MaxTagKeyLength} ASCII letters, digits, '_', '.' and '-'.", nameof(tags));
            }

            ValidateText(value, MaxTagValueLength, $"tag '{key}' of metric '{metric}'", nameof(tags));
            // Tags are written with every summary and copied to every scalar read back: redact them once, here.
            sorted.Add(key, Security.SecretRedactor.IsSecretName(key) ? Security.SecretRedactor.Mask : Security.SecretRedactor.Redact(value));
        }

        return sorted;
    }

    private static void ValidateText(string value, int maxLength, string what, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value, parameter);
        if (value.Length > maxLength)
        {
            throw new ArgumentException($"The {what} has {value.Length} characters; at most {maxLength} are allowed.", parameter);
        }

        if (value.Any(char.IsControl))
        {
            throw new ArgumentException($"The {what} contains a control character.", parameter);
        }
    }
}

/// <summary>A declaration's id within one run.</summary>
internal sealed record MetricBinding(Run Run, int Id);
