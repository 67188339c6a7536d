namespace Repro;

/// <summary>
/// A metric declared once (typically by generated code, in a static field) and then logged many
/// times. Names are validated here, at declaration, so the logging call never has to.
/// </summary>
public sealed class MetricDeclaration
{
    /// <summary>Longest metric name accepted.</summary>
    public const int MaxNameLength = 128;

    /// <summary>Declares a metric called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is empty, too long, or has characters other than letters, digits, '_', '.', '/' and '-'.</exception>
    public MetricDeclaration(string name)
    {
        Validate(name);
        Name = name;
    }

    /// <summary>The metric's name.</summary>
    public string Name { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    private static void Validate(string name)
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
}
